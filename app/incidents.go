package app

import (
	"context"
	"strings"

	"github.com/andon-chat/andon/app/settings"
	"github.com/andon-chat/andon/incident"
	"github.com/andon-chat/andon/notify"
	"github.com/andon-chat/andon/store"
)

// openIncidents starts the incident detector on the hub's visitor
// questions when [incidents] is enabled; its alerts go to the notification
// channels.
func (a *App) openIncidents() error {
	if !a.cfg.Incidents.Enabled {
		return nil
	}
	det, err := incident.NewDetector(a.kb, settings.Incidents(a.cfg))
	if err != nil {
		return err
	}
	consoleURL := strings.TrimRight(publicOrLocal(a.cfg), "/") + "/console/"
	a.incidents = incident.Listen(a.hub, det, incident.ListenOptions{
		Logger: a.log,
		OnAlert: func(ctx context.Context, al incident.Alert) {
			a.log.Warn("incident: many more visitors than usual ask about one thing",
				"topic", al.Label, "count", al.Count, "usual", al.Expected, "window", al.Window, "p", al.PValue)
			a.notify.Notify(ctx, incidentEvent(store.NewID(), al, consoleURL))
		},
	})
	o := det.Options()
	a.log.Info("incident detector on", "window", o.Window, "p_value", o.PValue, "learn", o.Learn)
	return nil
}

// incidentEvent is the notification of alert al; id makes its deliveries
// one per channel however often it is notified.
func incidentEvent(id string, al incident.Alert, consoleURL string) notify.Event {
	return notify.Event{
		ID: "inc_" + id, Type: notify.EventIncidentOpened, Reason: notify.ReasonIncident,
		ConsoleURL: consoleURL, At: al.At,
		Incident: &notify.Incident{Label: al.Label, Count: al.Count, Usual: al.Expected,
			WindowSeconds: int(al.Window.Seconds()), Examples: al.Examples},
	}
}
