// "使用我的位置" on a guide page: fills the form's lat/lon from the browser and submits it. Without JavaScript
// (or without permission) the village list does the same job; nothing is sent to any other host.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector("[data-locate]");
  if (!button || !navigator.geolocation) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var form = button.form;
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (p) {
      form.elements.lat.value = p.coords.latitude.toFixed(5);
      form.elements.lon.value = p.coords.longitude.toFixed(5);
      form.elements.village.value = "";
      form.submit();
    }, function () {
      button.disabled = false;
      var note = document.querySelector("[data-locate-note]");
      if (note) note.hidden = false;
    }, { timeout: 10000, maximumAge: 600000 });
  });
});
