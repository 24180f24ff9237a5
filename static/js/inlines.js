"use strict";
/* Inline formsets (admin/inlines.go) as Django's inlines.js runs them: an
   "Add another Letting" button that copies the formset's <template> (its
   names hold __prefix__) into a new form, a "Remove" button on every form
   not yet saved, and the management form's TOTAL_FORMS kept equal to the
   forms on the page. Without this script the server's one blank form
   still adds an object. */
(function () {
  const indexed = function (prefix) {
    return new RegExp("(" + prefix + "-(\\d+|__prefix__))");
  };

  // Renumbers an element's own names: id, name, label target, and the ids
  // its description points at.
  const renumber = function (el, prefix, index) {
    const pattern = indexed(prefix);
    const replacement = prefix + "-" + index;
    for (const attr of ["id", "name", "for", "aria-describedby"]) {
      const value = el.getAttribute(attr);
      if (value !== null) {
        el.setAttribute(attr, value.replace(new RegExp(pattern.source, "g"), replacement));
      }
    }
  };

  const renumberForm = function (form, prefix, index) {
    renumber(form, prefix, index);
    form.querySelectorAll("*").forEach(function (el) {
      renumber(el, prefix, index);
    });
  };

  const init = function (group) {
    const prefix = group.dataset.prefix;
    const template = document.getElementById(prefix + "-empty");
    const total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    const maxForms = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    if (!template || !total || !maxForms) {
      return; // no adding: view only, or no add permission
    }
    const tabular = group.dataset.inlineType === "tabular";
    const formPattern = new RegExp("^" + prefix + "-\\d+$");
    const forms = function () {
      return Array.from(group.querySelectorAll("[id^='" + prefix + "-']")).filter(function (el) {
        return formPattern.test(el.id);
      });
    };
    const room = function () {
      return maxForms.value === "" || Number(maxForms.value) - forms().length > 0;
    };

    // The "Add another …" button, after the last form.
    const addButton = document.createElement("button");
    addButton.type = "button";
    addButton.className = "addlink";
    addButton.textContent = group.dataset.addText;
    let addRow;
    if (tabular) {
      addRow = document.createElement("tr");
      const cell = document.createElement("td");
      cell.colSpan = group.querySelectorAll("thead th").length;
      cell.appendChild(addButton);
      addRow.appendChild(cell);
      template.parentNode.appendChild(addRow);
    } else {
      addRow = document.createElement("div");
      addRow.appendChild(addButton);
      template.parentNode.appendChild(addRow);
    }
    addRow.className = "add-row";
    const showAdd = function () {
      addRow.hidden = !room();
    };

    // Stacked forms not yet saved are named "#1", "#2"… in order.
    const relabel = function () {
      forms().forEach(function (form, i) {
        const label = form.querySelector(".inline_label");
        if (label && !form.classList.contains("has_original")) {
          label.textContent = "#" + (i + 1);
        }
      });
    };

    const remove = function (form) {
      const previous = form.previousElementSibling;
      if (previous && previous.classList.contains("row-form-errors")) {
        previous.remove();
      }
      form.remove();
      const left = forms();
      total.value = String(left.length);
      left.forEach(function (f, i) {
        renumberForm(f, prefix, i);
      });
      relabel();
      showAdd();
      if (!addRow.hidden) {
        addButton.focus();
      }
    };

    const addRemoveButton = function (form) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "inline-deletelink";
      button.textContent = group.dataset.deleteText;
      button.addEventListener("click", function () {
        remove(form);
      });
      if (tabular) {
        const wrapper = document.createElement("div");
        wrapper.appendChild(button);
        form.lastElementChild.appendChild(wrapper);
      } else {
        const wrapper = document.createElement("span");
        wrapper.appendChild(button);
        form.querySelector("h3").appendChild(wrapper);
      }
    };

    addButton.addEventListener("click", function () {
      if (!room()) {
        return;
      }
      const form = template.content.firstElementChild.cloneNode(true);
      const index = forms().length;
      renumberForm(form, prefix, index);
      form.classList.add("dynamic-" + prefix);
      addRemoveButton(form);
      template.parentNode.insertBefore(form, template);
      total.value = String(index + 1);
      relabel();
      showAdd();
      const first = form.querySelector("input:not([type='hidden']), select, textarea");
      if (first) {
        first.focus();
      }
    });

    forms().forEach(function (form) {
      form.classList.add("dynamic-" + prefix);
      if (!form.classList.contains("has_original")) {
        addRemoveButton(form);
      }
    });
    showAdd();
  };

  const start = function () {
    document.querySelectorAll(".js-inline-admin-formset").forEach(init);
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
