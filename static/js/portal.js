// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-autofocus]").forEach((el) => el.focus());
  // Inline handlers are forbidden by the Content-Security-Policy.
  document.querySelectorAll("[data-submit-on-change]").forEach((el) => {
    el.addEventListener("change", () => el.form.submit());
  });
});
