// The API explorer (/api/docs/): Swagger UI renders the request body's
// textarea without a label; name it so a screen reader says what it is.
// Swagger UI draws operations on demand, so watch for new ones.
(() => {
  const label = document.currentScript.dataset.bodyLabel || "Request body";
  const name = () => {
    document.querySelectorAll("textarea.body-param__text:not([aria-label])").forEach((el) => {
      el.setAttribute("aria-label", label);
    });
  };
  new MutationObserver(name).observe(document.body, { childList: true, subtree: true });
})();
