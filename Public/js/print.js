// The print button of printed documents (no inline script: the Content-Security-Policy allows scripts from this site only).
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector("[data-print]");
  if (button) button.addEventListener("click", function () { window.print(); });
});
