#pragma once

#include <QString>

#include <functional>
#include <optional>

namespace RoleDrop::Http {

// A proxy's user name and password, as the user typed them. Kept in memory for the process, never stored.
struct ProxyLogin
{
    QString user;
    QString password;
};

// Asks for the login of a proxy that answered 407 ("http://host:port", and the user name tried last, if any);
// nullopt when the user declines. core/ never shows a window: the window sets this; the command line does not
// (it takes the login from the proxy URL only).
using ProxyLoginPrompt = std::function<std::optional<ProxyLogin>(const QString &proxyName, const QString &lastUser)>;

} // namespace RoleDrop::Http
