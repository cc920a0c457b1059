// Answer page, guideline panel: when the officer picks another level, that
// level's guideline opens and the others close, so its fulfilment and
// evidence criteria are in view before saving. The checklist below follows
// the saved level; a note says so until the choice is saved. The panel is
// looked up at each change: adding evidence (htmx) replaces it in place.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("answer-form");
  if (!form || !document.getElementById("guideline")) return;
  form.querySelectorAll('input[name="level"]').forEach((radio) => {
    radio.addEventListener("change", () => {
      const panel = document.getElementById("guideline");
      if (!panel) return;
      panel.querySelectorAll("details.guideline-level").forEach((level) => {
        level.open = level.dataset.level === radio.value;
      });
      const note = document.getElementById("guideline-unsaved");
      if (note) note.classList.toggle("d-none", radio.value === (panel.dataset.savedLevel || ""));
    });
  });
});
