// The profile form, enhanced (it works in full without this script: every section shows):
// - the spouse section shows only for a married or common-law applicant;
// - the further jobs stay folded behind "Add another job" until one is wanted;
// - under each test, only the chosen test's scale is listed.
(function () {
  "use strict";
  var script = document.querySelector("script[data-add-job]");
  var addLabel = script ? script.getAttribute("data-add-job") : "+";
  document.querySelectorAll("form.profile-form").forEach(function (form) {
    var marital = form.querySelector("select[name=marital_status]");
    var spouse = form.querySelector("fieldset[data-spouse-only]");
    if (marital && spouse) {
      var showSpouse = function () {
        spouse.hidden = !(marital.value === "married" || marital.value === "common_law");
      };
      marital.addEventListener("change", showSpouse);
      showSpouse();
    }
    var more = form.querySelector("fieldset[data-more-jobs]");
    if (more) {
      var filled = Array.prototype.some.call(
        more.querySelectorAll("input"), function (el) { return el.value.trim() !== ""; });
      var invalid = more.querySelector("[aria-invalid=true]");
      if (!filled && !invalid) {
        more.hidden = true;
        var button = document.createElement("button");
        button.type = "button";
        button.className = "add-job";
        button.textContent = addLabel;
        button.addEventListener("click", function () {
          more.hidden = false;
          button.remove();
          var first = more.querySelector("input");
          if (first) { first.focus(); }
        });
        more.parentNode.insertBefore(button, more);
      }
    }
    form.querySelectorAll("select[data-scales]").forEach(function (select) {
      var hint = document.getElementById(select.getAttribute("data-scales"));
      if (!hint) { return; }
      var showScale = function () {
        hint.querySelectorAll("li[data-test]").forEach(function (li) {
          li.hidden = select.value !== "" && li.getAttribute("data-test") !== select.value;
        });
      };
      select.addEventListener("change", showScale);
      showScale();
    });
  });
})();
