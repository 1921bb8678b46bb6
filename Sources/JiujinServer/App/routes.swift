import Vapor

/// Every route of jiujin: the JSON API under /api/v1, the public pages, and the workbench behind sessions and CSRF.
func routes(_ app: Application) throws {
    try app.register(collection: OperationsController())
    let api = app.grouped("api", "v1")
    try api.register(collection: AuthController())
    try api.register(collection: StaffAdminController())
    try api.register(collection: RegionController())
    try api.register(collection: CatalogController())
    try api.register(collection: DelegationController())
    try api.register(collection: CalendarController())
    try api.register(collection: CaseController())
    try api.register(collection: CertificateController())
    try api.register(collection: RatingController())
    try app.register(collection: VerifyPages())
    let web = app.grouped(WebSessionMiddleware(), CSRFMiddleware())
    try web.register(collection: AccountPages())
    try web.register(collection: HomePages())
    try web.register(collection: WindowPages())
    try web.register(collection: CasePages())
    try web.register(collection: DocumentPages())
    try web.register(collection: DelegationPages())
    try web.register(collection: SealPages())
    try web.register(collection: StaffAdminRoutes())
    try web.register(collection: CertificatePages())
    try web.register(collection: RatingPages())
    try web.register(collection: RatingDeviceRoutes())
}
