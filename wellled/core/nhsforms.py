"""NHS.UK form styling for every form: one place, used by every app.

Widgets get the NHS.UK classes for their type, and a field in error gets the
`--error` variant. Hints and error messages take Django's own ids
(`<id>_helptext`, `<id>_error`), so Django's automatic aria-describedby points
at them; templates/includes/field.html and date_input.html render them.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField

WIDGET_CLASSES: list[tuple[type[forms.Widget], str]] = [
    (forms.Textarea, "nhsuk-textarea"),
    (forms.Select, "nhsuk-select"),
    (forms.FileInput, "nhsuk-file-upload__input"),
    (forms.TextInput, "nhsuk-input"),
    (forms.EmailInput, "nhsuk-input"),
    (forms.NumberInput, "nhsuk-input"),
    (forms.PasswordInput, "nhsuk-input"),
]


class NHSBoundField(BoundField):
    def build_widget_attrs(self, attrs: Any, widget: Any = None) -> Any:
        attrs = super().build_widget_attrs(attrs, widget)
        classes = str(attrs.get("class") or (widget or self.field.widget).attrs.get("class", ""))
        # nhsuk-input becomes nhsuk-input nhsuk-input--error, and so on.
        base = classes.split(" ")[0]
        if self.errors and base.startswith("nhsuk-") and f"{base}--error" not in classes:
            attrs["class"] = f"{classes} {base}--error"
        return attrs


class NHSFormMixin:
    bound_field_class: type[BoundField] | None = NHSBoundField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = self.fields  # type: ignore[attr-defined]
        for field in fields.values():
            widget = field.widget
            # Radios, checkboxes and the date input are laid out by their templates.
            if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                continue
            css = next((c for kind, c in WIDGET_CLASSES if isinstance(widget, kind)), "")
            existing = widget.attrs.get("class", "")
            if css and css not in existing.split():
                widget.attrs["class"] = f"{css} {existing}".strip()


class NHSForm(NHSFormMixin, forms.Form):
    pass
