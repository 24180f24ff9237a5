// The links beside a related field's select (Django's
// RelatedObjectLookups.js, written afresh): "+", change and view open the
// related model's pages in a popup; change and view follow the selection;
// and the popup, once saved, hands the object back to the form that opened
// it. Without JavaScript the links are plain links to the pages.
"use strict";

(function () {
  // Popups are named after the control they serve, so that the popup can
  // find it in the opener; the prefix keeps other windows' names out.
  var prefix = "related_";

  function popupURL(href) {
    return href + (href.indexOf("?") === -1 ? "?" : "&") + "_popup=1";
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.related-widget-wrapper-link[data-popup]");
    if (!link || !link.hasAttribute("href")) {
      return;
    }
    event.preventDefault();
    var popup = window.open(popupURL(link.getAttribute("href")), prefix + link.dataset.popup,
      "height=600,width=900,resizable=yes,scrollbars=yes");
    if (popup) {
      popup.focus();
    }
  });

  // Change and view point at the selected object, and hide while nothing
  // is selected (Django's updateRelatedObjectLinks).
  function updateLinks(control) {
    if (!control.id) {
      return;
    }
    var links = document.querySelectorAll("a[data-href-template][data-popup=\"" + CSS.escape(control.id) + "\"]");
    links.forEach(function (link) {
      var value = control.value;
      if (value) {
        link.setAttribute("href", link.dataset.hrefTemplate.replace("__fk__", encodeURIComponent(value)));
        link.hidden = false;
      } else {
        link.removeAttribute("href");
        link.hidden = true;
      }
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select, input")) {
      updateLinks(event.target);
    }
  });

  // The controls of the opener a popup acts on: the select itself, and the
  // available box a two-box picker adds beside it (selectfilter.js).
  function optionsOf(doc, id, value) {
    var found = [];
    [id, id + "_from"].forEach(function (boxId) {
      var box = doc.getElementById(boxId);
      if (box && box.options) {
        Array.prototype.forEach.call(box.options, function (option) {
          if (option.value === value) {
            found.push(option);
          }
        });
      }
    });
    return found;
  }

  // In the popup, after a save or a deletion: tell the opener, and close.
  // Anything else the opener's widgets keep (an autocomplete's text) hears
  // of it through the "admin:related" event on the control.
  function dismiss() {
    var response = document.getElementById("popup-response");
    if (!response || !window.opener || window.name.indexOf(prefix) !== 0) {
      return;
    }
    var opener = window.opener;
    var doc;
    try {
      doc = opener.document;
    } catch (e) {
      return; // the opener went elsewhere
    }
    var id = window.name.slice(prefix.length);
    var control = doc.getElementById(id);
    var data = response.dataset;
    if (control) {
      if (data.action === "add" && control.tagName === "SELECT") {
        var option = new opener.Option(data.label, data.value, true, true);
        control.add(option);
        if (!control.multiple) {
          control.value = data.value;
        }
      } else if (data.action === "add") {
        control.value = data.value; // an id typed in a text input
      } else if (data.action === "change") {
        optionsOf(doc, id, data.value).forEach(function (option) {
          option.textContent = data.label;
        });
      } else if (data.action === "delete") {
        optionsOf(doc, id, data.value).forEach(function (option) {
          option.remove();
        });
      }
      // Events made in the opener's own window, for its listeners.
      control.dispatchEvent(new opener.CustomEvent("admin:related", { bubbles: true, detail: { action: data.action, value: data.value, label: data.label } }));
      control.dispatchEvent(new opener.Event("change", { bubbles: true }));
    }
    window.close();
  }

  document.addEventListener("DOMContentLoaded", function () {
    dismiss();
    // A page restored by the browser may show another selection than the
    // one the links were drawn for.
    document.querySelectorAll(".related-widget-wrapper select").forEach(updateLinks);
  });
})();
