package dev.verdict.testing.store;

import dev.verdict.store.DeadLetters;
import dev.verdict.store.EventDelivery;
import dev.verdict.store.EventFeed;
import dev.verdict.store.EventFeeds;
import dev.verdict.store.EventSubject;
import dev.verdict.store.FeedSpec;
import dev.verdict.store.RecordedEvent;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The read-side port of an {@link InMemoryEventStore}: what a projection runner needs to run without a server ({@link
 * InMemoryEventStore#feeds()}). Semantics as on NATS:
 *
 * <ul>
 *   <li>a shared feed is one per name for every runner given these feeds (as instances share a durable consumer): it
 *       delivers to one pinned client at a time, pins another when the pinned one has not pulled for {@code
 *       failoverAfter} or released it, redelivers an unacknowledged delivery after {@code ackWait} (delivery count
 *       raised), reports pending, unacknowledged and acknowledged positions, and is created after the position of
 *       the runner that opens it first;
 *   <li>a per-instance feed delivers every matching event after its position once, without acknowledgements;
 *   <li>gap reads, single reads, the last sequence and the stream identity read the store itself;
 *   <li>dead letters go to one {@link InMemoryDeadLetters} per store.
 * </ul>
 *
 * Subject filters follow NATS ({@code *} one token, {@code >} the rest).
 */
final class InMemoryEventFeeds implements EventFeeds {
    private final InMemoryEventStore store;
    private final Map<String, SharedFeedState> shared = new ConcurrentHashMap<>();
    private final InMemoryDeadLetters deadLetters = new InMemoryDeadLetters();

    InMemoryEventFeeds(InMemoryEventStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public EventFeed shared(FeedSpec spec) {
        return new InMemorySharedFeed(this, spec);
    }

    @Override
    public EventFeed perInstance(FeedSpec spec) {
        return new InMemoryInstanceFeed(this, spec);
    }

    /** One {@link InMemoryDeadLetters} per store, shared by its runners. */
    @Override
    public DeadLetters deadLetters() {
        return deadLetters;
    }

    /** The state of the shared feed {@code spec.name()}, created after {@code resumeAfter} when missing. */
    SharedFeedState sharedState(FeedSpec spec, long resumeAfter) {
        SharedFeedState state = shared.computeIfAbsent(spec.name(), n -> new SharedFeedState(this, spec, resumeAfter));
        state.configure(spec);
        return state;
    }

    Optional<SharedFeedState> existing(String name) {
        return Optional.ofNullable(shared.get(name));
    }

    void delete(String name) {
        shared.remove(name);
    }

    /** The first event matching the subjects at or after {@code from}, with how many more match after it. */
    Optional<Match> firstFrom(List<String> subjects, long from) {
        List<RecordedEvent> events = store.allEvents();
        for (int i = 0; i < events.size(); i++) {
            RecordedEvent e = events.get(i);
            if (e.sequence() < from) {
                continue;
            }
            String subject = subjectOf(e);
            if (matchesAny(subjects, subject)) {
                long more = 0;
                for (int j = i + 1; j < events.size(); j++) {
                    if (matchesAny(subjects, subjectOf(events.get(j)))) {
                        more++;
                    }
                }
                return Optional.of(new Match(e, subject, more));
            }
        }
        return Optional.empty();
    }

    /** How many events match the subjects at or after {@code from}. */
    long countFrom(List<String> subjects, long from) {
        return store.allEvents().stream()
                .filter(e -> e.sequence() >= from && matchesAny(subjects, subjectOf(e)))
                .count();
    }

    record Match(RecordedEvent event, String subject, long pendingAfter) {}

    @Override
    public void scan(List<String> subjects, long fromSequence, long lastSequence, Predicate<EventDelivery> visitor) {
        long end = lastSequence >= 0 ? lastSequence : store.lastSequence();
        for (RecordedEvent e : store.allEvents()) {
            if (e.sequence() < fromSequence || !matchesAny(subjects, subjectOf(e))) {
                continue;
            }
            if (e.sequence() > end || !visitor.test(InMemoryDelivery.read(e, subjectOf(e)))) {
                return;
            }
        }
    }

    @Override
    public Optional<EventDelivery> readOne(String subject, long sequence) {
        return store.allEvents().stream()
                .filter(e -> e.sequence() == sequence && subjectOf(e).equals(subject))
                .findFirst()
                .map(e -> InMemoryDelivery.read(e, subject));
    }

    @Override
    public long lastSequence() {
        return store.lastSequence();
    }

    @Override
    public String streamIdentity() {
        return store.identity();
    }

    @Override
    public boolean closedForGood() {
        return false;
    }

    private String subjectOf(RecordedEvent e) {
        return EventSubject.of(store.name(), e.entity()).value();
    }

    static boolean matchesAny(List<String> filters, String subject) {
        for (String filter : filters) {
            if (matches(filter, subject)) {
                return true;
            }
        }
        return false;
    }

    /** NATS subject matching: {@code *} matches one token, a final {@code >} one or more. */
    static boolean matches(String filter, String subject) {
        String[] f = filter.split("\\.", -1);
        String[] s = subject.split("\\.", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals(">") && i == f.length - 1) {
                return s.length > i;
            }
            if (i >= s.length || !(f[i].equals("*") || f[i].equals(s[i]))) {
                return false;
            }
        }
        return f.length == s.length;
    }
}
