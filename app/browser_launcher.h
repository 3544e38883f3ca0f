#pragma once

#include <QUrl>

namespace RoleDrop::App {

// Opens a sign-in page in the user's browser, as the AWS CLI does: the BROWSER variable first (a ':'-separated
// list of commands, each given the URL as its last argument, or with "%s" replaced by it), else xdg-open when
// there is a display. False when neither could start: the caller falls back to a device code.
bool openInBrowser(const QUrl &url);

} // namespace RoleDrop::App
