// Answer page, guideline panel: when the officer picks another level, that
// level's guideline opens and the others close, so its fulfilment and
// evidence criteria are in view before saving. The checklist below follows
// the saved level; a note says so until the choice is saved.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("answer-form");
  const panel = document.getElementById("guideline");
  if (!form || !panel) return;
  const note = document.getElementById("guideline-unsaved");
  const saved = panel.dataset.savedLevel || "";
  form.querySelectorAll('input[name="level"]').forEach((radio) => {
    radio.addEventListener("change", () => {
      panel.querySelectorAll("details.guideline-level").forEach((level) => {
        level.open = level.dataset.level === radio.value;
      });
      if (note) note.classList.toggle("d-none", radio.value === saved);
    });
  });
});
