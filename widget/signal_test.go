package widget

import (
	"os"
	"os/signal"
	"syscall"
)

func notifyUSR1(c chan os.Signal) { signal.Notify(c, syscall.SIGUSR1) }
