package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"oclettings/app/auth"
	"oclettings/app/database"
	"oclettings/app/models"
	"oclettings/migrations/testdb"
)

// cheap keeps the tests quick; the real cost is app/auth's concern.
var cheap = auth.Hasher{Memory: 64, Time: 1, Threads: 1}

// probe is a Hasher that counts the key derivations the service asks for,
// how many run at once, and can hold each one at a gate until the test lets
// it go, so that a burst really overlaps.
type probe struct {
	Hasher

	mu          sync.Mutex
	derivations int // checks of a usable hash, burns and new hashes
	burns       int
	inside      int
	maxInside   int
	gate        chan struct{} // nil: no waiting
	entered     chan struct{} // told of every derivation as it starts; nil: nobody listens
}

func newProbe(h Hasher) *probe { return &probe{Hasher: h} }

func (p *probe) enter(burn bool) {
	p.mu.Lock()
	p.derivations++
	if burn {
		p.burns++
	}
	p.inside++
	p.maxInside = max(p.maxInside, p.inside)
	gate, entered := p.gate, p.entered
	p.mu.Unlock()
	if entered != nil {
		entered <- struct{}{}
	}
	if gate != nil {
		<-gate
	}
}

func (p *probe) leave() {
	p.mu.Lock()
	p.inside--
	p.mu.Unlock()
}

func (p *probe) Check(password, encoded string) (bool, bool) {
	if auth.IsUsable(encoded) {
		p.enter(false)
		defer p.leave()
	}
	return p.Hasher.Check(password, encoded)
}

func (p *probe) Burn(password string) {
	p.enter(true)
	defer p.leave()
	p.Hasher.Burn(password)
}

func (p *probe) Hash(password string) (string, error) {
	p.enter(false)
	defer p.leave()
	return p.Hasher.Hash(password)
}

func (p *probe) counts() (derivations, burns, maxInside int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.derivations, p.burns, p.maxInside
}

// hold makes every derivation from now on wait until the returned release
// is called, and report its start on the returned channel.
func (p *probe) hold(capacity int) (entered <-chan struct{}, release func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.gate = make(chan struct{})
	p.entered = make(chan struct{}, capacity)
	gate := p.gate
	var once sync.Once
	return p.entered, func() { once.Do(func() { close(gate) }) }
}

func newService(t *testing.T, h Hasher) (*Service, *database.DB) {
	t.Helper()
	db := testdb.Open(t)
	return &Service{DB: db, Hasher: h, Now: time.Now}, db
}

func addUser(t *testing.T, db *database.DB, username, encoded string, active, staff bool) *models.User {
	t.Helper()
	u := &models.User{Username: username, Password: encoded, IsActive: active, IsStaff: staff}
	if err := models.CreateUser(context.Background(), db.Write, u); err != nil {
		t.Fatalf("create %s: %v", username, err)
	}
	return u
}

func hashOf(t *testing.T, h auth.Hasher, password string) string {
	t.Helper()
	encoded, err := h.Hash(password)
	if err != nil {
		t.Fatal(err)
	}
	return encoded
}

// waitFor reads from entered and results until n events came from either,
// returning the results seen.
func waitFor(t *testing.T, n int, entered <-chan struct{}, results <-chan error) (started int, got []error) {
	t.Helper()
	for started+len(got) < n {
		select {
		case <-entered:
			started++
		case err := <-results:
			got = append(got, err)
		case <-time.After(time.Minute):
			t.Fatalf("stuck: %d derivations started, %d answers", started, len(got))
		}
	}
	return started, got
}

// A burst of wrong guesses for one username, from many addresses, checks at
// most the limit, and the right password arriving while they are being
// checked is refused like them.
func TestBurstChecksAtMostTheLimit(t *testing.T) {
	const burst = 40
	p := newProbe(cheap)
	s, db := newService(t, p)
	s.HashConcurrency = burst + 1
	addUser(t, db, "alice", hashOf(t, cheap, "right password"), true, true)

	entered, release := p.hold(2 * burst)
	defer release()
	results := make(chan error, burst)
	for i := range burst {
		go func() {
			_, err := s.StaffLogin(context.Background(), "alice", "wrong", fmt.Sprintf("203.0.113.%d", i))
			results <- err
		}()
	}
	started, early := waitFor(t, burst, entered, results)

	right := make(chan error, 1)
	go func() {
		_, err := s.StaffLogin(context.Background(), "alice", "right password", "198.51.100.1")
		right <- err
	}()
	var rightErr error
	select {
	case rightErr = <-right:
	case <-entered:
		started++
		release()
		rightErr = <-right
	}
	release()
	all := early
	for len(all) < burst {
		all = append(all, <-results)
	}

	if derivations, _, _ := p.counts(); derivations > MaxFailuresPerUsername {
		t.Errorf("%d passwords checked in a burst of %d (started before the right one: %d), want at most %d", derivations, burst, started, MaxFailuresPerUsername)
	}
	if !errors.Is(rightErr, ErrThrottled) {
		t.Errorf("right password during the burst: %v, want %v", rightErr, ErrThrottled)
	}
	var throttled, invalid int
	for _, err := range all {
		switch {
		case errors.Is(err, ErrThrottled):
			throttled++
		case errors.Is(err, ErrInvalidLogin):
			invalid++
		default:
			t.Errorf("wrong guess: %v", err)
		}
	}
	if invalid > MaxFailuresPerUsername || throttled+invalid != burst {
		t.Errorf("%d invalid, %d throttled of %d", invalid, throttled, burst)
	}
}

// With two slots and sixteen sign-ins at once, two hash and the rest give up
// after the wait with ErrBusy, which does not count as a failure.
func TestHashingIsBounded(t *testing.T) {
	const logins, slots = 16, 2
	p := newProbe(cheap)
	s, db := newService(t, p)
	s.HashConcurrency = slots
	s.HashWait = 20 * time.Millisecond

	entered, release := p.hold(2 * logins)
	defer release()
	results := make(chan error, logins)
	for i := range logins {
		go func() {
			_, err := s.StaffLogin(context.Background(), fmt.Sprintf("nobody%d", i), "guess", fmt.Sprintf("203.0.113.%d", i))
			results <- err
		}()
	}
	_, early := waitFor(t, logins, entered, results)
	release()
	all := early
	for len(all) < logins {
		all = append(all, <-results)
	}

	if _, _, most := p.counts(); most > slots {
		t.Errorf("%d hashes ran at once, want at most %d", most, slots)
	}
	busy := 0
	for _, err := range all {
		if errors.Is(err, ErrBusy) {
			busy++
		} else if !errors.Is(err, ErrInvalidLogin) {
			t.Errorf("login: %v", err)
		}
	}
	if busy != logins-slots {
		t.Errorf("%d answered busy, want %d", busy, logins-slots)
	}
	rows, err := db.Read.NewSelect().Model((*models.LoginAttempt)(nil)).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rows != slots {
		t.Errorf("%d failures recorded, want %d: a busy answer checked nothing", rows, slots)
	}
}

// A request whose client went away stops waiting for a slot.
func TestHashWaitEndsWithTheRequest(t *testing.T) {
	p := newProbe(cheap)
	s, _ := newService(t, p)
	s.HashConcurrency = 1
	s.HashWait = time.Hour

	entered, release := p.hold(4)
	defer release()
	first := make(chan error, 1)
	go func() {
		_, err := s.StaffLogin(context.Background(), "first", "guess", "203.0.113.1")
		first <- err
	}()
	<-entered
	ctx, cancel := context.WithCancel(context.Background())
	second := make(chan error, 1)
	go func() {
		_, err := s.StaffLogin(ctx, "second", "guess", "203.0.113.2")
		second <- err
	}()
	// Most likely while it waits for the slot; before is no different.
	time.AfterFunc(20*time.Millisecond, cancel)
	select {
	case err := <-second:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled while waiting: %v, want %v", err, context.Canceled)
		}
	case <-entered:
		t.Error("a second hash ran while the only slot was taken")
		release()
		<-second
	}
	release()
	if err := <-first; !errors.Is(err, ErrInvalidLogin) {
		t.Errorf("first: %v", err)
	}
}

// Every kind of account a visitor could name costs one derivation, so the
// answer's timing tells nothing.
func TestEveryFailureCostsOneHash(t *testing.T) {
	p := newProbe(cheap)
	s, db := newService(t, p)
	addUser(t, db, "unusable", auth.UnusablePassword(), true, true)
	addUser(t, db, "malformed", "argon2$argon2id$v=19$m=1,t=1,p=1$bad$bad", true, true)
	addUser(t, db, "inactive", hashOf(t, cheap, "pw"), false, true)
	addUser(t, db, "member", hashOf(t, cheap, "pw"), true, false)

	for _, username := range []string{"unusable", "malformed", "inactive", "member", "unknown"} {
		before, _, _ := p.counts()
		_, err := s.StaffLogin(context.Background(), username, "pw", "203.0.113.1")
		if !errors.Is(err, ErrInvalidLogin) {
			t.Errorf("%s: %v, want %v", username, err, ErrInvalidLogin)
		}
		if after, _, _ := p.counts(); after-before != 1 {
			t.Errorf("%s: %d key derivations, want 1", username, after-before)
		}
	}
}

// Input no account could have is refused before it is normalised, looked up
// or hashed, and a database never sees a key too long for its column.
func TestOverlongInputIsNeverHashed(t *testing.T) {
	p := newProbe(cheap)
	s, db := newService(t, p)
	addUser(t, db, "alice", hashOf(t, cheap, "pw"), true, true)

	for name, in := range map[string][2]string{
		"151 characters":            {strings.Repeat("a", 151), "pw"},
		"150 that NFKC makes 2,700": {strings.Repeat("ﷺ", 150), "pw"},
		"600 bytes of 4-byte runes": {strings.Repeat("𝒜", 151), "pw"},
		"one that NFKC makes 18":    {"alice" + strings.Repeat("ﷺ", 9), "pw"},
		"a password over the cap":   {"alice", strings.Repeat("p", MaxPasswordBytes+1)},
	} {
		_, err := s.StaffLogin(context.Background(), in[0], in[1], "203.0.113.1")
		if !errors.Is(err, ErrInvalidLogin) {
			t.Errorf("%s: %v, want %v", name, err, ErrInvalidLogin)
		}
	}
	if n, _, _ := p.counts(); n != 0 {
		t.Errorf("%d key derivations for over-long input, want 0", n)
	}
}

// A hash with today's 64 MiB parameters still signs in and is replaced by
// one with the current parameters.
func TestOtherParametersAreRehashed(t *testing.T) {
	legacy := auth.Hasher{Memory: 64 * 1024, Time: 3, Threads: 4}
	s, db := newService(t, auth.Default())
	u := addUser(t, db, "alice", hashOf(t, legacy, "right password"), true, true)

	if _, err := s.StaffLogin(context.Background(), "alice", "right password", "203.0.113.1"); err != nil {
		t.Fatalf("sign in with a 64 MiB hash: %v", err)
	}
	stored, err := models.GetUserByUsername(context.Background(), db.Read, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if stored.Password == u.Password {
		t.Fatal("the 64 MiB hash was kept")
	}
	d := auth.Default()
	want := fmt.Sprintf("$m=%d,t=%d,p=%d$", d.Memory, d.Time, d.Threads)
	if !strings.Contains(stored.Password, want) {
		t.Errorf("rehashed to %q, want parameters %s", stored.Password[:40], want)
	}
	if ok, again := auth.Default().Check("right password", stored.Password); !ok || again {
		t.Errorf("new hash: ok=%v, needs rehash=%v", ok, again)
	}
}

// Wrong passwords given to CheckPassword count against the username and the
// address like sign-in failures, and once throttled it checks nothing.
func TestCheckPasswordIsThrottled(t *testing.T) {
	p := newProbe(cheap)
	s, db := newService(t, p)
	u := addUser(t, db, "alice", hashOf(t, cheap, "right password"), true, true)
	ctx := context.Background()

	for i := range MaxFailuresPerUsername {
		if err := s.CheckPassword(ctx, u, "wrong", "203.0.113.1"); !errors.Is(err, ErrInvalidLogin) {
			t.Fatalf("guess %d: %v", i+1, err)
		}
	}
	before, _, _ := p.counts()
	if err := s.CheckPassword(ctx, u, "right password", "203.0.113.1"); !errors.Is(err, ErrThrottled) {
		t.Errorf("after %d failures: %v, want %v", MaxFailuresPerUsername, err, ErrThrottled)
	}
	if _, err := s.StaffLogin(ctx, "alice", "right password", "198.51.100.1"); !errors.Is(err, ErrThrottled) {
		t.Errorf("sign-in after %d wrong old passwords: %v, want %v", MaxFailuresPerUsername, err, ErrThrottled)
	}
	if after, _, _ := p.counts(); after != before {
		t.Errorf("%d passwords checked while throttled", after-before)
	}
}

// A success forgets the username's failures, so a user who finally types
// the right password starts afresh.
func TestSuccessClearsFailures(t *testing.T) {
	s, db := newService(t, cheap)
	addUser(t, db, "alice", hashOf(t, cheap, "right password"), true, true)
	ctx := context.Background()
	for range MaxFailuresPerUsername - 1 {
		if _, err := s.StaffLogin(ctx, "alice", "wrong", "203.0.113.1"); !errors.Is(err, ErrInvalidLogin) {
			t.Fatal(err)
		}
	}
	if _, err := s.StaffLogin(ctx, "alice", "right password", "203.0.113.1"); err != nil {
		t.Fatal(err)
	}
	for i := range MaxFailuresPerUsername {
		if _, err := s.StaffLogin(ctx, "alice", "wrong", "203.0.113.2"); !errors.Is(err, ErrInvalidLogin) {
			t.Fatalf("guess %d after a success: %v", i+1, err)
		}
	}
	if _, err := s.StaffLogin(ctx, "alice", "wrong", "203.0.113.2"); !errors.Is(err, ErrThrottled) {
		t.Errorf("guess %d: %v, want %v", MaxFailuresPerUsername+1, err, ErrThrottled)
	}
}
