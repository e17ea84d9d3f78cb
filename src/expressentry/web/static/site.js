// Progressive enhancement only: every page works without this script.
// - selects marked data-autosubmit submit their form when changed;
// - the occupation table's filter box narrows the rows shown as you type (the server does the
//   same filtering when the form is submitted, and owns the paging).
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      var page = select.form.querySelector("input[name=page]");
      if (page) { page.value = "1"; }
      select.form.submit();
    });
  });
  var filter = document.querySelector("input[data-live-filter]");
  if (filter) {
    var timer = null;
    filter.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { filter.form.submit(); }, 600);
    });
    if (filter.value) {
      filter.focus();
      var end = filter.value.length;
      filter.setSelectionRange(end, end);
    }
  }
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
  else {
    var result = document.querySelector(".result");
    if (result) { result.focus(); }
  }
})();
