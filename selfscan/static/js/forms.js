// After a form was refused, move the focus to its error summary, so that keyboard and
// screen-reader users land on the list of what to correct (and everyone sees it). A form whose
// action ends in "#…-errors" gets there without a script too.
(function () {
  var summary = document.querySelector(".error-summary");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }
})();
