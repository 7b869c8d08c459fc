package app

import (
	"context"
	"strings"

	"github.com/andon-chat/andon/app/settings"
	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/incident"
	"github.com/andon-chat/andon/notify"
	"github.com/andon-chat/andon/store"
)

// incidentResponder builds the detector when [incidents] is enabled and
// wraps the bot so that visitors asking about an open incident's topic read
// its status message first.
func (a *App) incidentResponder(b conversation.Responder) (conversation.Responder, error) {
	if !a.cfg.Incidents.Enabled {
		return b, nil
	}
	det, err := incident.NewDetector(a.kb, settings.Incidents(a.cfg))
	if err != nil {
		return nil, err
	}
	a.detector = det
	return incident.StatusFirst{Next: b, Incidents: a.store, Detector: det, Logger: a.log}, nil
}

// openIncidents starts the incident detector on the hub's visitor
// questions when [incidents] is enabled; its alerts go to the notification
// channels.
func (a *App) openIncidents() error {
	det := a.detector
	if det == nil {
		return nil
	}
	consoleURL := strings.TrimRight(publicOrLocal(a.cfg), "/") + "/console/#incidents"
	a.incidents = incident.Listen(a.hub, det, incident.ListenOptions{
		Logger: a.log,
		OnAlert: func(ctx context.Context, al incident.Alert) {
			a.log.Warn("incident: many more visitors than usual ask about one thing",
				"topic", al.Label, "count", al.Count, "usual", al.Expected, "window", al.Window, "p", al.PValue)
			// Stored first, so the incident outlives a restart; the
			// notification's ID is the incident's, one delivery per channel.
			in := store.Incident{ID: "inc_" + store.NewID(), Label: al.Label, Examples: al.Examples,
				Count: al.Count, Usual: al.Expected, WindowSeconds: int(al.Window.Seconds()), OpenedAt: al.At}
			if created, err := a.store.OpenIncident(ctx, in); err != nil {
				a.log.Error("couldn't store an incident; notifying all the same", "err", err)
			} else if !created {
				return
			}
			a.notify.Notify(ctx, incidentEvent(in, consoleURL))
		},
	})
	o := det.Options()
	a.log.Info("incident detector on", "window", o.Window, "p_value", o.PValue, "learn", o.Learn)
	return nil
}

// incidentEvent is the notification of incident in; its ID makes the
// deliveries one per channel however often it is notified.
func incidentEvent(in store.Incident, consoleURL string) notify.Event {
	return notify.Event{
		ID: in.ID, Type: notify.EventIncidentOpened, Reason: notify.ReasonIncident,
		ConsoleURL: consoleURL, At: in.OpenedAt,
		Incident: &notify.Incident{Label: in.Label, Count: in.Count, Usual: in.Usual,
			WindowSeconds: in.WindowSeconds, Examples: in.Examples},
	}
}
