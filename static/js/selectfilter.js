// The two-box picker of Django's filter_horizontal (SelectFilter2.js,
// written afresh): a multi-select marked class="selectfilter" becomes an
// "Available" box and a "Chosen" box, each with a filter, with buttons to
// move options across. The server's <select multiple> stays the chosen box,
// with its name and id, so the form posts what it always posted; without
// JavaScript it is a plain multi-select.
"use strict";

(function () {
  function make(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function visible(box) {
    return Array.prototype.filter.call(box.options, function (o) { return !o.hidden; });
  }

  function selectedVisible(box) {
    return visible(box).filter(function (o) { return o.selected; });
  }

  // A filter keeps the options whose text holds every word typed, in any
  // case, as Django's does.
  function applyFilter(box, text) {
    var words = text.toLowerCase().split(/\s+/).filter(Boolean);
    Array.prototype.forEach.call(box.options, function (o) {
      var label = o.text.toLowerCase();
      o.hidden = !words.every(function (w) { return label.indexOf(w) !== -1; });
      if (o.hidden) {
        o.selected = false; // nothing out of sight moves
      }
    });
  }

  // Options keep the order the server gave them, whichever box they are in.
  function insertInOrder(box, option) {
    var after = Array.prototype.find.call(box.options, function (o) { return o.pickerOrder > option.pickerOrder; });
    box.insertBefore(option, after || null);
  }

  function init(chosen, counter) {
    var id = chosen.id;
    var name = chosen.dataset.fieldName || chosen.name;
    var form = chosen.form;
    if (!id || chosen.dataset.pickerReady) {
      return;
    }
    chosen.dataset.pickerReady = "1";

    var selector = make("div", { "class": chosen.dataset.isStacked === "1" ? "selector stacked" : "selector", id: id + "_selector" });
    chosen.parentNode.insertBefore(selector, chosen);
    chosen.parentNode.classList.add("has-selector");

    // Available
    var availableDiv = make("div", { "class": "selector-available" });
    var availableTitle = make("div", { "class": "selector-available-title", id: id + "_from_title" });
    availableTitle.appendChild(make("label", { "for": id + "_from", id: id + "_from_label" }, "Available " + name));
    availableTitle.appendChild(make("p", { "class": "helptext", id: id + "_from_help" },
      "Choose " + name + " by selecting them and then select the \"Choose\" arrow button."));
    availableDiv.appendChild(availableTitle);
    var availableFilter = filterField(id + "_input", "Type into this box to filter down the list of available " + name + ".");
    availableDiv.appendChild(availableFilter.wrapper);
    var available = make("select", { id: id + "_from", "class": "filtered", multiple: "", "aria-describedby": id + "_from_help" });
    availableDiv.appendChild(available);
    var chooseAll = make("button", { type: "button", id: id + "_add_all", "class": "selector-chooseall" }, "Choose all " + name);
    availableDiv.appendChild(chooseAll);

    // The arrows
    var chooser = make("ul", { "class": "selector-chooser" });
    var add = arrow(id + "_add", "selector-add", "Choose selected " + name);
    var remove = arrow(id + "_remove", "selector-remove", "Remove selected chosen " + name);
    chooser.appendChild(add.item);
    chooser.appendChild(remove.item);

    // Chosen: the server's select, labelled by its box's title.
    var chosenDiv = make("div", { "class": "selector-chosen", id: id + "_selector_chosen" });
    var chosenTitle = make("div", { "class": "selector-chosen-title", id: id + "_to_title" });
    chosenTitle.appendChild(make("label", { id: id + "_to_label" }, "Chosen " + name));
    chosenTitle.appendChild(make("p", { "class": "helptext", id: id + "_to_help" },
      "Remove " + name + " by selecting them and then select the \"Remove\" arrow button."));
    chosenDiv.appendChild(chosenTitle);
    var chosenFilter = filterField(id + "_selected_input", "Type into this box to filter down the list of selected " + name + ".");
    chosenDiv.appendChild(chosenFilter.wrapper);
    chosenDiv.appendChild(chosen);
    chosen.classList.add("filtered");
    chosen.setAttribute("aria-labelledby", id + "_to_label");
    var describedBy = (chosen.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    chosen.setAttribute("aria-describedby", [id + "_to_help"].concat(describedBy).join(" "));
    var footer = make("button", { type: "button", "class": "list-footer-display", id: id + "_list-footer-display" });
    footer.hidden = true;
    chosenDiv.appendChild(footer);
    var removeAll = make("button", { type: "button", id: id + "_remove_all", "class": "selector-clearall" }, "Remove all " + name);
    chosenDiv.appendChild(removeAll);
    // What moved, for screen readers, which do not see the boxes change.
    var status = make("p", { "class": "visually-hidden", role: "status", id: id + "_status" });
    chosenDiv.appendChild(status);

    selector.appendChild(availableDiv);
    selector.appendChild(chooser);
    selector.appendChild(chosenDiv);

    // The server marks the chosen options selected; the rest are available.
    Array.prototype.forEach.call(chosen.options, function (o) {
      o.pickerOrder = counter.next++;
    });
    Array.prototype.slice.call(chosen.options).forEach(function (o) {
      if (!o.selected) {
        available.appendChild(o);
      }
      o.selected = false;
      o.title = o.text;
    });
    available.size = chosen.size = 10;

    function refresh() {
      add.button.disabled = selectedVisible(available).length === 0;
      remove.button.disabled = selectedVisible(chosen).length === 0;
      chooseAll.disabled = visible(available).length === 0;
      removeAll.disabled = visible(chosen).length === 0;
      var hiddenChosen = chosen.options.length - visible(chosen).length;
      footer.hidden = hiddenChosen === 0;
      footer.textContent = hiddenChosen + (hiddenChosen === 1 ? " selected option not visible" : " selected options not visible") + " (click to clear)";
    }

    function move(from, to, options) {
      options.forEach(function (o) {
        o.selected = false;
        insertInOrder(to, o);
      });
      applyFilter(available, availableFilter.input.value);
      applyFilter(chosen, chosenFilter.input.value);
      if (options.length) {
        status.textContent = "Chosen " + name + ": " + chosen.options.length + " of " + (chosen.options.length + available.options.length) + ".";
      }
      refresh();
    }

    function choose() { move(available, chosen, selectedVisible(available)); }
    function unchoose() { move(chosen, available, selectedVisible(chosen)); }

    add.button.addEventListener("click", choose);
    remove.button.addEventListener("click", unchoose);
    chooseAll.addEventListener("click", function () { move(available, chosen, visible(available)); });
    removeAll.addEventListener("click", function () { move(chosen, available, visible(chosen)); });
    footer.addEventListener("click", function () {
      chosenFilter.input.value = "";
      applyFilter(chosen, "");
      refresh();
      chosenFilter.input.focus();
    });

    // Enter or a double click moves the selected options across.
    [[available, choose], [chosen, unchoose]].forEach(function (pair) {
      pair[0].addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault();
          pair[1]();
        }
      });
      pair[0].addEventListener("dblclick", function (event) {
        if (event.target.tagName === "OPTION") {
          pair[1]();
        }
      });
      pair[0].addEventListener("change", refresh);
    });

    // In a filter: typing filters, Enter moves the selected options (or
    // the first one shown) without submitting the form, the arrows up and
    // down walk the box, and the arrow towards the other box moves across.
    [[availableFilter.input, available, choose, "ArrowRight"], [chosenFilter.input, chosen, unchoose, "ArrowLeft"]].forEach(function (set) {
      var input = set[0], box = set[1], go = set[2], across = set[3];
      input.addEventListener("input", function () {
        applyFilter(box, input.value);
        refresh();
      });
      // Enter in a text input submits the form unless its key press is
      // stopped too.
      input.addEventListener("keypress", function (event) {
        if (event.key === "Enter") {
          event.preventDefault();
        }
      });
      input.addEventListener("keydown", function (event) {
        var shown = visible(box);
        if (event.key === "Enter") {
          event.preventDefault();
          if (selectedVisible(box).length === 0 && shown.length) {
            shown[0].selected = true;
          }
          go();
        } else if (event.key === across && selectedVisible(box).length) {
          go();
        } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && shown.length) {
          event.preventDefault();
          var at = shown.findIndex(function (o) { return o.selected; });
          var next = event.key === "ArrowDown" ? (at + 1) % shown.length : (at <= 0 ? shown.length - 1 : at - 1);
          shown.forEach(function (o, i) { o.selected = i === next; });
          refresh();
        }
      });
    });

    // The form posts every chosen option, filtered out of sight or not.
    if (form) {
      form.addEventListener("submit", function () {
        Array.prototype.forEach.call(chosen.options, function (o) {
          o.selected = true;
        });
      });
    }

    // An option another script adds (the "+" popup) is chosen, after the rest.
    chosen.addEventListener("admin:related", function () {
      Array.prototype.forEach.call(chosen.options, function (o) {
        if (o.pickerOrder === undefined) {
          o.pickerOrder = counter.next++;
          o.title = o.text;
        }
      });
      move(chosen, chosen, []);
    });

    refresh();
  }

  function filterField(inputId, help) {
    var wrapper = make("p", { "class": "selector-filter" });
    var label = make("label", { "for": inputId });
    label.appendChild(make("span", { "class": "search-label-icon", "aria-hidden": "true" }));
    label.appendChild(make("span", { "class": "visually-hidden" }, help));
    wrapper.appendChild(label);
    var input = make("input", { type: "text", id: inputId, placeholder: "Filter", autocomplete: "off" });
    wrapper.appendChild(input);
    return { wrapper: wrapper, input: input };
  }

  function arrow(id, className, text) {
    var item = make("li");
    var button = make("button", { type: "button", id: id, "class": className, title: text });
    button.appendChild(make("span", { "class": "visually-hidden" }, text));
    item.appendChild(button);
    return { item: item, button: button };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var counter = { next: 0 };
    document.querySelectorAll("select.selectfilter[multiple]").forEach(function (select) {
      init(select, counter);
    });
  });
})();
