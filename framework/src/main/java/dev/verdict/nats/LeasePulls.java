package dev.verdict.nats;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * The pull requests of one instance on the lease consumers, sent by Verdict itself rather than by jnats' {@code
 * consume}: that one, with a batch of one message, sends no new pull after the message came (its re-pull threshold is
 * zero messages) until its heartbeat alarm fires – so an owner holding its unacknowledged lease sent no pull for
 * longer than {@code priority_timeout}, and the server unpinned it although it was alive (nats-server keeps a pin only
 * while the pinned client sends a <em>new</em> pull carrying the pin id within {@code priority_timeout}; a pull that
 * waits does not count).
 *
 * <p>{@link #pull} sends one pull request for one message to the partition's consumer, carrying the pin id when this
 * instance holds the pin. Its answers arrive on an inbox of the partition's own; {@link #stop} ends that inbox, so
 * every pull of this instance still waiting on the server for that partition can no longer be served (the server
 * skips a pull nobody listens to) – a partition handed over is not pinned back to this instance by an old pull.
 */
final class LeasePulls {
    /** Told of a lease that came: the partition, the lease, the pin id the server gave this instance. */
    @FunctionalInterface
    interface LeaseListener {
        void onLease(int partition, Message lease, String pinId);
    }

    private static final String PIN_HEADER = "Nats-Pin-Id";
    private static final int WRONG_PIN = 423;

    private final Connection connection;
    private final Dispatcher dispatcher;
    private final String stream;
    private final String group;
    private final String[] consumers;
    private final long expiresNanos;
    private final LeaseListener onLease;
    /** Told when the server refused a pull carrying a pin id that is no longer the partition's pin. */
    private final IntConsumer onPinLost;

    private final Subscription[] inboxes; // guarded by this
    private final String[] inboxSubjects; // guarded by this

    LeasePulls(
            Connection connection,
            Dispatcher dispatcher,
            String stream,
            String group,
            String[] consumers,
            Duration expires,
            LeaseListener onLease,
            IntConsumer onPinLost) {
        this.connection = connection;
        this.dispatcher = dispatcher;
        this.stream = stream;
        this.group = group;
        this.consumers = consumers.clone();
        this.expiresNanos = expires.toNanos();
        this.onLease = onLease;
        this.onPinLost = onPinLost;
        this.inboxes = new Subscription[consumers.length];
        this.inboxSubjects = new String[consumers.length];
    }

    /** Asks the partition's consumer for its lease, as the holder of {@code pinId} (empty: as a candidate). */
    void pull(int p, String pinId) {
        String inbox;
        synchronized (this) {
            if (inboxes[p] == null) {
                inboxSubjects[p] = connection.createInbox();
                inboxes[p] = dispatcher.subscribe(inboxSubjects[p], m -> onAnswer(p, m));
            }
            inbox = inboxSubjects[p];
        }
        String request = "{\"batch\":1,\"expires\":" + expiresNanos + ",\"group\":\"" + group + "\""
                + (pinId.isEmpty() ? "" : ",\"id\":\"" + pinId + "\"") + "}";
        connection.publish(
                "$JS.API.CONSUMER.MSG.NEXT." + stream + "." + consumers[p],
                inbox,
                request.getBytes(StandardCharsets.US_ASCII));
    }

    /** Stops pulling the partition: the pulls still waiting on the server for it can no longer be served. */
    synchronized void stop(int p) {
        if (inboxes[p] != null) {
            try {
                dispatcher.unsubscribe(inboxes[p]);
            } catch (IllegalStateException e) {
                // the dispatcher closed already: nothing is left to end
            }
            inboxes[p] = null;
        }
    }

    private void onAnswer(int p, Message answer) {
        if (answer.isStatusMessage()) {
            if (answer.getStatus().getCode() == WRONG_PIN) {
                onPinLost.accept(p);
            }
            return; // 408 (the pull expired) and the like: the next pull follows on the clock
        }
        if (answer.isJetStream()) {
            String pin = Optional.ofNullable(answer.getHeaders())
                    .map(h -> h.getFirst(PIN_HEADER))
                    .orElse("");
            onLease.onLease(p, answer, pin);
        }
    }
}
