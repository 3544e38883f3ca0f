#pragma once

#include <QStringList>

class QHBoxLayout;
class QLabel;
class QLineEdit;
class QToolButton;
class QWidget;

namespace RoleDrop::Ui {

// The parts of a profile form that the access-key dialog and the federated (Identity Center, OpenID Connect)
// dialog share, so that both say and check the same things.

// AWS's commercial and GovCloud regions, offered while typing a region (anything else may still be typed: a Ceph
// RGW's zonegroup, a region newer than this list).
QStringList awsRegionNames();

// The endpoint URL field's hint: empty means AWS itself.
void setUpEndpointField(QLineEdit *field);

// The CA file field's hint and a "Browse…" button beside it that picks a PEM file. Returns the row holding both
// (give it to a form; the row's label needs the field as its buddy).
QHBoxLayout *caFileChooserRow(QWidget *form, QLineEdit *field);

// A secret field: not echoed, kept from input methods' dictionaries, with an eye action that shows it while typing.
void setUpSecretField(QLineEdit *field, const QString &revealToolTip);

// A red, word-wrapped message, hidden until there is something to say.
QLabel *newErrorLabel(QWidget *parent, const QString &objectName);

// The "Advanced" fold of a form (Alt+V): a checkable flat button with an arrow, which the form connects to
// showing its advanced part. The Switch Role dialog folds the rest of AssumeRole the same way.
QToolButton *newAdvancedToggle(QWidget *parent);

} // namespace RoleDrop::Ui
