// Swagger UI over this app's OpenAPI description; vendored, no CDN and no online validator (works offline).
window.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({ url: el.dataset.openapi, dom_id: "#swagger-ui", deepLinking: true, validatorUrl: null });
});
