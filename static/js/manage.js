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

// A searchable list of OPDs (contributors): typing narrows the checkboxes by
// short or full name. Without JS the whole list is there to scroll.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-picker]").forEach((picker) => {
    const search = picker.querySelector("[data-picker-search]");
    const items = picker.querySelectorAll("[data-picker-item]");
    search.hidden = false;
    search.addEventListener("input", () => {
      const wanted = search.value.trim().toLowerCase();
      items.forEach((item) => {
        item.hidden = Boolean(wanted) && !item.textContent.toLowerCase().includes(wanted);
      });
    });
  });
});
