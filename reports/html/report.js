// Fold and unfold every section of the report at once.
document.addEventListener("click", function (e) {
  var b = e.target.closest("button[data-fold]");
  if (!b) return;
  var open = b.getAttribute("data-fold") === "open";
  document.querySelectorAll("details").forEach(function (d) { d.open = open; });
});
