(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ""; }
    var raw = cell.getAttribute("data-value");
    return raw === null ? cell.textContent.trim().toLowerCase() : raw;
  }

  function sortTable(table, index, numeric, direction) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      if (order === 0) { order = Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order")); }
      return direction === "ascending" ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row, i) {
      row.setAttribute("data-order", String(i));
    });
    var headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (th, index) {
      var kind = th.getAttribute("data-sort");
      if (!kind) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      button.title = "Sort by " + th.textContent.toLowerCase();
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var next = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", next);
        sortTable(table, index, kind === "num", next);
      });
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("table[data-filter]"), function (table) {
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    if (rows.length < 4) { return; }
    var bar = document.createElement("div");
    bar.className = "filter js-only";
    var input = document.createElement("input");
    input.type = "search";
    input.placeholder = "Filter " + rows.length + " rows by path, rule or code";
    input.setAttribute("aria-label", "Filter " + table.getAttribute("data-filter"));
    var shown = document.createElement("span");
    shown.className = "shown";
    bar.appendChild(input);
    bar.appendChild(shown);
    var holder = table.parentNode.classList.contains("table-wrap") ? table.parentNode : table;
    holder.parentNode.insertBefore(bar, holder);
    input.addEventListener("input", function () {
      var query = input.value.trim().toLowerCase();
      var count = 0;
      rows.forEach(function (row) {
        var match = !query || row.textContent.toLowerCase().indexOf(query) !== -1;
        row.hidden = !match;
        if (match) { count += 1; }
      });
      shown.textContent = query ? count + " of " + rows.length + " shown" : "";
    });
  });
})();
