// Administrator pages: "select all" for the assignment table. Without JS
// the rows are still selectable one by one.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-select-all]").forEach((master) => {
    const boxes = () => document.querySelectorAll(`input[name="${master.dataset.selectAll}"]`);
    master.hidden = false;
    master.closest("[data-select-all-wrap]")?.removeAttribute("hidden");
    master.addEventListener("change", () => {
      boxes().forEach((box) => { box.checked = master.checked; });
    });
  });
});
