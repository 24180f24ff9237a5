// The little JavaScript of the admin, loaded from our own origin (the
// Content-Security-Policy allows no other). Everything it does is an
// enhancement: without it every page still works.
"use strict";

(function () {
  // A "+" beside a select opens the related model's add form in a popup
  // named after the select; without JavaScript the link is a plain page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.add-related[data-popup]");
    if (!link) {
      return;
    }
    event.preventDefault();
    var href = link.getAttribute("href");
    href += (href.indexOf("?") === -1 ? "?" : "&") + "_popup=1";
    var popup = window.open(href, "add_" + link.dataset.popup, "height=600,width=900,resizable=yes,scrollbars=yes");
    if (popup) {
      popup.focus();
    }
  });

  // In the popup, after a save: add the new object to the opener's select,
  // choose it, and close.
  function closePopup() {
    var response = document.getElementById("popup-response");
    if (!response || !window.opener || window.name.indexOf("add_") !== 0) {
      return;
    }
    var select = window.opener.document.getElementById(window.name.slice(4));
    if (select) {
      var option = new Option(response.dataset.label, response.dataset.value, true, true);
      select.add(option);
      select.value = response.dataset.value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
    window.close();
  }

  // The changelist's "select all" box.
  function wireActionToggle() {
    var toggle = document.getElementById("action-toggle");
    if (!toggle) {
      return;
    }
    var boxes = document.querySelectorAll("input.action-select");
    toggle.addEventListener("change", function () {
      boxes.forEach(function (box) {
        box.checked = toggle.checked;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    closePopup();
    wireActionToggle();
  });
})();
