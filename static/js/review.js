// Reviewer's queue: a "select all" box for bulk accept. Without JS each row's
// box still works on its own.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-select-all]").forEach((master) => {
    const name = master.dataset.selectAll;
    const boxes = () => document.querySelectorAll(`input[type=checkbox][name="${name}"]`);
    master.hidden = false;
    master.addEventListener("change", () => {
      boxes().forEach((box) => { box.checked = master.checked; });
    });
  });
});
