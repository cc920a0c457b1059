// Draws the dashboard charts from the JSON that json_script put beside each
// canvas (no inline scripts: the Content-Security-Policy forbids them).
// Every chart's numbers are also in a table on the page.
(function () {
  "use strict";

  const COLORS = ["#0d6efd", "#fd7e14", "#198754", "#6f42c1", "#dc3545", "#20c997"];
  const LOCALE = document.documentElement.lang === "en" ? "en-GB" : "id-ID";

  function readData(canvas) {
    const source = document.getElementById(canvas.dataset.chartSource);
    return source ? JSON.parse(source.textContent) : null;
  }

  function datasets(data, fill) {
    return data.datasets.map((set, i) => ({
      label: set.label,
      data: set.data,
      backgroundColor: fill ? COLORS[i % COLORS.length] + "55" : COLORS[i % COLORS.length],
      borderColor: COLORS[i % COLORS.length],
      borderWidth: 2,
      spanGaps: true,
    }));
  }

  function numberAxis(max) {
    const axis = { beginAtZero: true, ticks: { precision: 2 } };
    if (max !== null && max !== undefined) axis.max = max;
    return axis;
  }

  function config(data) {
    const common = {
      responsive: true,
      maintainAspectRatio: false,
      locale: LOCALE,
      animation: false,
      plugins: {
        legend: { display: data.datasets.length > 1, position: "bottom" },
        title: { display: Boolean(data.title), text: data.title },
      },
    };
    switch (data.kind) {
      case "radar":
        return {
          type: "radar",
          data: { labels: data.labels, datasets: datasets(data, true) },
          options: { ...common, scales: { r: { ...numberAxis(data.max), ticks: { stepSize: 1 } } } },
        };
      case "line":
        return {
          type: "line",
          data: { labels: data.labels, datasets: datasets(data, false) },
          options: { ...common, scales: { y: numberAxis(data.max) } },
        };
      case "stacked":
        return {
          type: "bar",
          data: { labels: data.labels, datasets: datasets(data, false) },
          options: {
            ...common,
            indexAxis: "y",
            scales: { x: { stacked: true, ticks: { precision: 0 } }, y: { stacked: true } },
          },
        };
      case "hbar":
        return {
          type: "bar",
          data: { labels: data.labels, datasets: datasets(data, false) },
          options: { ...common, indexAxis: "y", scales: { x: numberAxis(data.max) } },
        };
      default:
        return {
          type: "bar",
          data: { labels: data.labels, datasets: datasets(data, false) },
          options: { ...common, scales: { y: numberAxis(data.max) } },
        };
    }
  }

  function drawAll(root) {
    if (typeof window.Chart === "undefined") return; // the tables still carry the numbers
    root.querySelectorAll("canvas[data-chart-source]").forEach((canvas) => {
      const data = readData(canvas);
      if (!data) return;
      const existing = window.Chart.getChart(canvas);
      if (existing) existing.destroy();
      new window.Chart(canvas, config(data));
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    drawAll(document);
    document.querySelectorAll("select[data-navigate-on-change]").forEach((select) => {
      window.spbeOnChoice(select, () => {
        if (select.value) window.location.assign(select.value);
      });
    });
  });
  // Fragments swapped in by htmx (the planner's what-if) may carry charts too.
  document.addEventListener("htmx:afterSettle", (event) => drawAll(event.target));
})();
