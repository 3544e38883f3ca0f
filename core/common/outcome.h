#pragma once

#include "core/common/aws_error.h"

#include <optional>
#include <utility>

namespace RoleDrop {

struct Done {};  // the result of an operation that returns nothing but success

// A value or the AwsError that prevented it. Every parser and client result in core/ is one.
template <class T>
class Outcome
{
public:
    Outcome(T value) : m_value(std::move(value)) {}
    Outcome(AwsError error) : m_error(std::move(error)) {}

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    const T &value() const { return *m_value; }
    T &value() { return *m_value; }
    const T *operator->() const { return &*m_value; }
    const AwsError &error() const { return m_error; }

private:
    std::optional<T> m_value;
    AwsError m_error;
};

} // namespace RoleDrop
