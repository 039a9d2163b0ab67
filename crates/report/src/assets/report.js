"use strict";
// Arrow keys move between the cells of the story matrix; Enter follows the cell's link.
(function () {
  var table = document.querySelector("table.matrix");
  if (!table) { return; }
  var rows = Array.prototype.map.call(table.tBodies[0].rows, function (tr) {
    return Array.prototype.slice.call(tr.querySelectorAll("td.cell"));
  });
  if (!rows.length || !rows[0].length) { return; }
  rows.forEach(function (cells) {
    cells.forEach(function (td) {
      td.tabIndex = -1;
      var a = td.querySelector("a");
      if (a) { a.tabIndex = -1; }
    });
  });
  rows[0][0].tabIndex = 0;
  table.addEventListener("keydown", function (ev) {
    var td = ev.target.closest && ev.target.closest("td.cell");
    if (!td) { return; }
    var r = rows.findIndex(function (cells) { return cells.indexOf(td) >= 0; });
    var c = rows[r].indexOf(td);
    var moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1],
      Home: [0, -c], End: [0, rows[r].length - 1 - c] };
    if (ev.key === "Enter") {
      var a = td.querySelector("a");
      if (a) { a.click(); ev.preventDefault(); }
      return;
    }
    var m = moves[ev.key];
    if (!m) { return; }
    var nr = Math.max(0, Math.min(rows.length - 1, r + m[0]));
    var nc = Math.max(0, Math.min(rows[nr].length - 1, c + m[1]));
    td.tabIndex = -1;
    rows[nr][nc].tabIndex = 0;
    rows[nr][nc].focus();
    ev.preventDefault();
  });
})();
