package auth

import (
	"slices"
	"sync"
	"testing"

	"github.com/andon-chat/andon/store"
)

// An admin's change to a user is told to OnUserChange (the desk), with the
// user as stored; a refused change is not.
func TestOnUserChangeHearsAdminChanges(t *testing.T) {
	var mu sync.Mutex
	var heard []store.User
	e := newEnv(t, func(o *Options) {
		o.Teams = []string{"billing"}
		o.OnUserChange = func(u store.User) {
			mu.Lock()
			heard = append(heard, u)
			mu.Unlock()
		}
	})
	admin := e.addUser("admin@example.com", RoleAdmin, "admin password 1")
	agent := e.addUser("anna@example.com", RoleAgent, "anna password 1")
	teams := []string{"billing"}
	if _, err := e.svc.UpdateUser(t.Context(), agent.ID, UserChange{Teams: &teams}); err != nil {
		t.Fatal(err)
	}
	role := RoleAgent
	if _, err := e.svc.UpdateUser(t.Context(), admin.ID, UserChange{Role: &role}); err == nil {
		t.Fatal("the last admin was demoted")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(heard) != 1 || heard[0].ID != agent.ID || !slices.Equal(heard[0].Teams, teams) {
		t.Fatalf("OnUserChange heard %+v, want Anna with teams %v once", heard, teams)
	}
}
