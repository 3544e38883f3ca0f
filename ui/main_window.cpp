#include "ui/main_window.h"

#include <QLabel>

namespace RoleDrop::Ui {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("RoleDrop"));
    auto *label = new QLabel(tr("RoleDrop: the desktop window is on its way. Use the command line (roledrop --help) meanwhile."), this);
    label->setAlignment(Qt::AlignCenter);
    setCentralWidget(label);
    resize(900, 600);
}

} // namespace RoleDrop::Ui
