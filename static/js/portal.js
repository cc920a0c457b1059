// Small progressive enhancements; every page works without them.

// A select that acts as soon as a choice is made. A pointer choice acts at
// once; from the keyboard the arrow keys only move through the options and
// Enter acts, so the first arrow press never reloads the page or sends the
// user elsewhere (WCAG 3.2.2, "on input").
window.spbeOnChoice = (select, act) => {
  let keyed = false;
  select.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      act();
    } else if (event.key !== "Tab" && event.key !== "Shift") {
      keyed = true;
    }
  });
  select.addEventListener("pointerdown", () => {
    keyed = false;
  });
  select.addEventListener("blur", () => {
    keyed = false;
  });
  select.addEventListener("change", () => {
    if (!keyed) act();
  });
};

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-autofocus]").forEach((el) => el.focus());
  // Inline handlers are forbidden by the Content-Security-Policy.
  document.querySelectorAll("[data-submit-on-change]").forEach((el) => {
    window.spbeOnChoice(el, () => el.form.submit());
  });
});
