// The NHS.UK frontend's components (header menu, skip link, error summary focus), started
// from this file rather than an inline script so that the Content-Security-Policy can forbid
// inline script. Every page works without it.
import { initAll } from "/assets/nhsuk-frontend-10.6.1.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();
