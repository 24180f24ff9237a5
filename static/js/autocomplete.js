// Django's autocomplete_fields widget, written afresh without select2: a
// foreign key or many-to-many field whose form carries only the chosen
// objects becomes a combobox (the WAI-ARIA 1.2 combobox pattern with a
// listbox popup) that searches /admin/autocomplete/ as the user types.
// For a foreign key the server's text input of the id becomes hidden,
// keeping its id, name and value, so the form posts the same field and
// related.js's change and view links follow it: every new selection sets
// its value and fires "change" on it. For a many-to-many field the chosen
// objects become a list, each with a button that removes it and a hidden
// input of its id under the field's name, so the form posts what a
// multi-select would; the text input of comma-separated ids keeps only its
// id, for related.js to find the field.
"use strict";

(function () {
  var DELAY = 250; // ms between the last key and the search (Django's data-ajax--delay)
  var ENDPOINT = "/admin/autocomplete/";

  // The form's model, as Django's body classes name it
  // ("app-lettings model-letting"): the endpoint asks for it.
  function formModel() {
    var found = { app: "", model: "" };
    document.body.classList.forEach(function (name) {
      if (name.indexOf("app-") === 0) {
        found.app = name.slice(4);
      } else if (name.indexOf("model-") === 0) {
        found.model = name.slice(6);
      }
    });
    return found;
  }

  function make(tag, className) {
    var el = document.createElement(tag);
    if (className) {
      el.className = className;
    }
    return el;
  }

  // The ids of a many-to-many field's text input, as the server reads them.
  function selectedIDs(value) {
    return value.split(",").map(function (id) {
      return id.trim();
    }).filter(function (id) {
      return id !== "";
    });
  }

  function enhance(widget) {
    var multiple = widget.classList.contains("autocomplete-multiple");
    var input = widget.querySelector(multiple ? "input.vManyToManyRawIdAdminField" : "input.vForeignKeyRawIdAdminField");
    var name = widget.querySelector(multiple ? ".autocomplete-chosen" : ".autocomplete-name");
    if (!input || !name || widget.classList.contains("autocomplete-enhanced")) {
      return;
    }
    widget.classList.add("autocomplete-enhanced");
    var source = formModel();
    var fieldName = input.name;
    var base = ENDPOINT + "?" + new URLSearchParams({ app_label: source.app, model_name: source.model, field_name: fieldName }).toString();
    var label = widget.dataset.label || fieldName;
    var optional = !multiple && widget.hasAttribute("data-optional");

    var box = make("div", "autocomplete-combobox");
    var combo = make("input");
    combo.type = "text";
    combo.id = input.id + "_combobox";
    combo.autocomplete = "off";
    combo.spellcheck = false;
    combo.setAttribute("role", "combobox");
    combo.setAttribute("aria-autocomplete", "list");
    combo.setAttribute("aria-expanded", "false");
    combo.setAttribute("aria-controls", input.id + "_listbox");
    if (input.required) {
      combo.setAttribute("aria-required", "true");
    }
    if (input.getAttribute("aria-invalid")) {
      combo.setAttribute("aria-invalid", input.getAttribute("aria-invalid"));
    }
    // Errors and help still describe the field; the name is the combobox's
    // own text now.
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      return id && id !== name.id;
    });
    if (described.length) {
      combo.setAttribute("aria-describedby", described.join(" "));
    }
    var clear = null;
    if (optional) {
      clear = make("button", "autocomplete-clear");
      clear.type = "button";
      clear.setAttribute("aria-label", "Clear " + label.toLowerCase());
      clear.title = "Clear " + label.toLowerCase();
      clear.textContent = "×";
    }
    var popup = make("div", "autocomplete-popup");
    var list = make("ul", "autocomplete-results");
    list.id = input.id + "_listbox";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", label);
    if (multiple) {
      list.setAttribute("aria-multiselectable", "true");
    }
    list.hidden = true;
    var status = make("div", "autocomplete-status");
    status.setAttribute("role", "status");
    popup.append(list, status);
    box.append(combo);
    if (clear) {
      box.append(clear);
    }
    box.append(popup);

    var fieldLabel = document.querySelector("label[for=\"" + CSS.escape(input.id) + "\"]");
    if (fieldLabel) {
      fieldLabel.htmlFor = combo.id;
    }
    widget.insertBefore(box, input);
    input.type = "hidden";
    input.removeAttribute("inputmode");
    input.removeAttribute("aria-describedby");
    var selectedValue = input.value;
    var selected = { id: input.value, text: name.textContent };
    // The chosen objects of a many-to-many field, in the list's order.
    var chosen = [];
    if (multiple) {
      // The hidden inputs of the chosen objects post the field now.
      input.removeAttribute("name");
      input.value = "";
      selected = { id: "", text: "" };
    } else {
      name.hidden = true;
    }
    combo.value = selected.text || selected.id;
    var options = [];
    var active = -1;
    var term = "";
    var page = 0;
    var more = false;
    var loading = false;
    var sequence = 0;
    var timer = 0;
    var firing = false;
    var swallowEnter = false;

    function expanded() {
      return combo.getAttribute("aria-expanded") === "true";
    }

    function showClear() {
      if (clear) {
        clear.hidden = !selected.id;
      }
    }

    function setStatus(text) {
      status.textContent = text;
    }

    function open() {
      combo.setAttribute("aria-expanded", "true");
      list.hidden = options.length === 0;
    }

    function close() {
      window.clearTimeout(timer);
      sequence++; // an answer still on its way is not wanted any more
      loading = false;
      combo.setAttribute("aria-expanded", "false");
      combo.removeAttribute("aria-activedescendant");
      list.hidden = true;
      list.replaceChildren();
      options = [];
      active = -1;
      setStatus("");
    }

    function setActive(index) {
      // One object: the option the arrows reach is the selected one, as the
      // pattern has it. Several: aria-selected marks the chosen ones, and
      // the reached one is only active.
      if (active >= 0 && options[active]) {
        if (multiple) {
          options[active].el.classList.remove("autocomplete-active");
        } else {
          options[active].el.setAttribute("aria-selected", "false");
        }
      }
      active = index;
      if (index < 0) {
        combo.removeAttribute("aria-activedescendant");
        return;
      }
      var option = options[index].el;
      if (multiple) {
        option.classList.add("autocomplete-active");
      } else {
        option.setAttribute("aria-selected", "true");
      }
      combo.setAttribute("aria-activedescendant", option.id);
      // Only the list scrolls: scrollIntoView would also scroll the form
      // row, which clips what overflows it.
      if (option.offsetTop < list.scrollTop) {
        list.scrollTop = option.offsetTop;
      } else if (option.offsetTop + option.offsetHeight > list.scrollTop + list.clientHeight) {
        list.scrollTop = option.offsetTop + option.offsetHeight - list.clientHeight;
      }
      if (index === options.length - 1) {
        loadMore();
      }
    }

    function add(results) {
      results.forEach(function (result) {
        var li = make("li", "autocomplete-option");
        li.id = list.id + "_" + options.length;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", multiple && chosenIndex(String(result.id)) >= 0 ? "true" : "false");
        li.textContent = result.text;
        var index = options.length;
        li.addEventListener("click", function () {
          choose(index);
        });
        options.push({ id: String(result.id), text: String(result.text), el: li });
        list.append(li);
      });
    }

    function fetchPage(wanted, number) {
      var mine = ++sequence;
      loading = true;
      setStatus("Searching…");
      open();
      var url = base + "&" + new URLSearchParams({ term: wanted, page: String(number) }).toString();
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (data) {
          if (mine !== sequence) {
            return;
          }
          loading = false;
          if (number === 1) {
            list.replaceChildren();
            options = [];
            active = -1;
            combo.removeAttribute("aria-activedescendant");
          }
          term = wanted;
          page = number;
          more = Boolean(data.pagination && data.pagination.more);
          add(data.results || []);
          setStatus(options.length === 0 ? "No results found" : "");
          open();
        })
        .catch(function () {
          if (mine === sequence) {
            loading = false;
            setStatus("The results could not be loaded.");
          }
        });
    }

    function search(wanted) {
      window.clearTimeout(timer);
      fetchPage(wanted, 1);
    }

    function loadMore() {
      if (more && !loading && expanded()) {
        fetchPage(term, page + 1);
      }
    }

    function fire() {
      firing = true;
      input.dispatchEvent(new Event("change", { bubbles: true }));
      firing = false;
    }

    function select(id, text) {
      selected = { id: id, text: text };
      input.value = id;
      combo.value = text;
      name.textContent = text;
      showClear();
    }

    function chosenIndex(id) {
      for (var i = 0; i < chosen.length; i++) {
        if (chosen[i].id === id) {
          return i;
        }
      }
      return -1;
    }

    function rename(entry, text) {
      entry.text = text || entry.id;
      entry.label.textContent = entry.text;
      entry.remove.setAttribute("aria-label", "Remove " + entry.text);
      entry.remove.title = "Remove " + entry.text;
    }

    // A chosen object of a many-to-many field: its name, its remove button
    // and its id posted under the field's name.
    function addChosen(id, text) {
      if (!id || chosenIndex(id) >= 0) {
        return;
      }
      var li = make("li", "autocomplete-chip");
      li.dataset.value = id;
      var chipLabel = make("span", "autocomplete-chip-label");
      var remove = make("button", "autocomplete-remove");
      remove.type = "button";
      var cross = make("span");
      cross.setAttribute("aria-hidden", "true");
      cross.textContent = "×";
      remove.append(cross);
      var hidden = make("input");
      hidden.type = "hidden";
      hidden.name = fieldName;
      hidden.value = id;
      li.append(chipLabel, remove, hidden);
      var entry = { id: id, text: "", li: li, label: chipLabel, remove: remove };
      rename(entry, text);
      remove.addEventListener("click", function () {
        removeChosen(id, true);
      });
      chosen.push(entry);
      name.append(li);
    }

    // byUser: the focus goes to the next remove button, or the combobox.
    function removeChosen(id, byUser) {
      var i = chosenIndex(id);
      if (i < 0) {
        return;
      }
      chosen[i].li.remove();
      chosen.splice(i, 1);
      if (byUser) {
        var next = chosen[i] || chosen[i - 1];
        (next ? next.remove : combo).focus();
        fire();
      }
    }

    function choose(index) {
      var option = options[index];
      if (!option) {
        return;
      }
      if (multiple) {
        // Choosing a chosen object again takes it out, as select2 does.
        if (chosenIndex(option.id) >= 0) {
          removeChosen(option.id, false);
        } else {
          addChosen(option.id, option.text);
        }
        combo.value = "";
        close();
        combo.focus();
        fire();
        return;
      }
      var changed = option.id !== selected.id;
      select(option.id, option.text);
      close();
      combo.focus();
      if (changed) {
        fire();
      }
    }

    // What was typed and not chosen goes back to the selection when the
    // combobox is left; an optional field left empty is cleared.
    function settle() {
      if (multiple) {
        combo.value = "";
        return;
      }
      if (combo.value.trim() === "" && optional && selected.id) {
        select("", "");
        fire();
        return;
      }
      combo.value = selected.text || selected.id;
    }

    combo.addEventListener("input", function () {
      window.clearTimeout(timer);
      var wanted = combo.value;
      setStatus("Searching…");
      timer = window.setTimeout(function () {
        search(wanted);
      }, DELAY);
    });

    combo.addEventListener("keydown", function (event) {
      if (event.altKey && event.key === "ArrowUp") {
        close();
        return;
      }
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!expanded()) {
            // From the selection, every object; from typed text, its matches.
            search(combo.value === selected.text && !multiple ? "" : combo.value);
          } else if (options.length) {
            setActive(Math.min(active + 1, options.length - 1));
          }
          break;
        case "ArrowUp":
          if (expanded() && options.length) {
            event.preventDefault();
            setActive(Math.max(active - 1, 0));
          }
          break;
        case "Home":
          if (expanded() && options.length) {
            event.preventDefault();
            setActive(0);
          }
          break;
        case "End":
          if (expanded() && options.length) {
            event.preventDefault();
            setActive(options.length - 1);
          }
          break;
        case "Enter":
          if (expanded()) {
            // Enter picks; it never submits the form from an open list.
            event.preventDefault();
            swallowEnter = true;
            if (active >= 0) {
              choose(active);
            }
          }
          break;
        case "Escape":
          if (expanded()) {
            event.preventDefault();
            close();
            if (!multiple) {
              combo.value = selected.text || selected.id;
            }
          }
          break;
      }
    });

    // The Enter that picked must not submit the form through its keypress,
    // which a browser sends only when keydown was not cancelled but a
    // driver that types key by key may send all the same.
    combo.addEventListener("keypress", function (event) {
      if (event.key === "Enter" && swallowEnter) {
        event.preventDefault();
      }
    });
    combo.addEventListener("keyup", function (event) {
      if (event.key === "Enter") {
        swallowEnter = false;
      }
    });

    combo.addEventListener("blur", function () {
      close();
      settle();
    });

    // A click on an option must not take the focus from the combobox first.
    list.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    list.addEventListener("scroll", function () {
      if (list.scrollTop + list.clientHeight >= list.scrollHeight - 4) {
        loadMore();
      }
    });

    if (clear) {
      showClear();
      clear.addEventListener("click", function () {
        close();
        var had = selected.id;
        select("", "");
        combo.focus();
        if (had) {
          fire();
        }
      });
    }

    // related.js tells of an object added, changed or deleted in a popup
    // opened from this field; it fires "change" itself afterwards.
    input.addEventListener("admin:related", function (event) {
      var d = event.detail || {};
      if (multiple) {
        var i = chosenIndex(String(d.value));
        if (d.action === "add") {
          input.value = "";
          addChosen(String(d.value), String(d.label));
        } else if (d.action === "change" && i >= 0) {
          rename(chosen[i], String(d.label));
        } else if (d.action === "delete") {
          removeChosen(String(d.value), false);
        }
        return;
      }
      if (d.action === "add") {
        select(String(d.value), String(d.label));
      } else if (d.action === "change" && String(d.value) === selected.id) {
        select(selected.id, String(d.label));
      } else if (d.action === "delete" && String(d.value) === selected.id) {
        select("", "");
      }
    });
    if (multiple) {
      // The ids the page came with, in the order the server listed their
      // names (the target admin's ordering, as without JavaScript), not
      // the input's, which follows the link table; an id it could not
      // name (the form's error says so) stays, by its id, after them.
      var ids = selectedIDs(selectedValue);
      var named = [];
      name.querySelectorAll("li[data-value]").forEach(function (li) {
        if (ids.indexOf(li.dataset.value) >= 0) {
          named.push({ id: li.dataset.value, text: li.textContent });
        }
      });
      name.replaceChildren();
      named.forEach(function (entry) {
        addChosen(entry.id, entry.text);
      });
      ids.forEach(function (id) {
        addChosen(id, "");
      });
      return;
    }
    // Another script that sets the value without a name: show the id.
    input.addEventListener("change", function () {
      if (!firing && input.value !== selected.id) {
        select(input.value, "");
        combo.value = input.value;
      }
    });
  }

  function init() {
    document.querySelectorAll(".autocomplete-widget").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
