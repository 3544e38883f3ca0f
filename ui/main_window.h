#pragma once

#include <QMainWindow>

namespace RoleDrop::Ui {

// Placeholder until the desktop-app issue: a window that says what it will be.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
};

} // namespace RoleDrop::Ui
