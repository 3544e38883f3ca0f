#pragma once

#include "core/common/outcome.h"

#include <QEventLoop>

#include <functional>
#include <optional>

namespace RoleDrop::Cli {

// The command line runs one thing after another, so it waits for each asynchronous result in a local
// event loop. (The GUI never does this: it reacts to the callbacks.)
template <class T>
Outcome<T> awaitResult(const std::function<void(std::function<void(Outcome<T>)>)> &start)
{
    std::optional<Outcome<T>> result;
    QEventLoop loop;
    start([&](Outcome<T> value) {
        result.emplace(std::move(value));
        loop.quit();
    });
    if (!result)
        loop.exec();
    return std::move(*result);
}

} // namespace RoleDrop::Cli
