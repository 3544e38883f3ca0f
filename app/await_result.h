#pragma once

#include "core/common/async_result.h"

#include <QEventLoop>
#include <QObject>

#include <functional>
#include <optional>

namespace RoleDrop::Cli {

// The command line runs one thing after another, so it waits for each asynchronous result in a local
// event loop. (The GUI never does this: it reacts to the callbacks.) `start` gets the context the result
// is for and the handler to hand to a core/ operation.
template <class T>
Outcome<T> awaitResult(const std::function<void(QObject *context, ResultHandler<T> done)> &start)
{
    std::optional<Outcome<T>> result;
    QEventLoop loop;
    start(&loop, [&](Outcome<T> value) {
        result.emplace(std::move(value));
        loop.quit();
    });
    if (!result)
        loop.exec();
    return std::move(*result);
}

} // namespace RoleDrop::Cli
