package dev.verdict.store.nats;

import static dev.verdict.store.nats.RawAtomicBatch.EXPECTED_LAST_SEQ;
import static dev.verdict.store.nats.RawAtomicBatch.EXPECTED_SUBJECT_SEQ;
import static dev.verdict.store.nats.RawAtomicBatch.EXPECTED_SUBJECT_SEQ_SUBJECT;
import static dev.verdict.store.nats.RawAtomicBatch.MSG_ID;
import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What nats-server (2.15.1) does with one ADR-50 atomic batch that writes several subjects – several entities – with
 * per-message expectations: the server behaviour a multi-entity decision relies on, verified with raw jnats (no
 * Verdict code involved). Run on one node and on an R3 stream of a 3-node cluster by the two subclasses;
 * docs/nats-mapping.md ("Several entities in one atomic batch") reports the findings.
 */
abstract class AtomicBatchAcrossSubjectsBehaviour {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicBatchAcrossSubjectsBehaviour.class);
    private static final AtomicInteger STREAMS = new AtomicInteger();

    static final int WRONG_LAST_SEQUENCE = 10071;
    static final int WRONG_LAST_SEQUENCE_CONSTANT = 10164;
    static final int EXPECTED_SUBJECT_WITHOUT_SEQUENCE = 10193;
    static final int BATCH_CONTAINS_DUPLICATE = 10201;

    String stream;
    String rx;
    String stock;

    abstract Connection connect() throws IOException, InterruptedException;

    abstract int replicas();

    @BeforeEach
    void createStream() throws Exception {
        stream = "batch" + STREAMS.incrementAndGet();
        rx = stream + ".prescription.rx-1";
        stock = stream + ".inventory.aspirin";
        try (Connection nc = connect()) {
            StreamConfiguration config = StreamConfiguration.builder()
                    .name(stream)
                    .subjects(stream + ".>")
                    .storageType(StorageType.File)
                    .replicas(replicas())
                    .allowAtomicPublish(true)
                    .build();
            StreamInfo info = nc.jetStreamManagement().addStream(config);
            assertThat(info.getConfiguration().getAllowAtomicPublish()).isTrue();
            assertThat(info.getConfiguration().getReplicas()).isEqualTo(replicas());
        }
    }

    @Test
    void writesSeveralSubjectsAtomicallyWithAGuardOnTheFirstMessageOfEach() throws Exception {
        try (Connection nc = connect()) {
            long rxVersion = publish(nc, rx);
            long stockVersion = publish(nc, stock);

            RawAtomicBatch.Outcome outcome = new RawAtomicBatch()
                    .add(rx, EXPECTED_SUBJECT_SEQ, Long.toString(rxVersion))
                    .add(rx)
                    .add(stock, EXPECTED_SUBJECT_SEQ, Long.toString(stockVersion))
                    .publish(nc);

            assertThat(outcome.error()).as(outcome.toString()).isEmpty();
            assertThat(outcome.ack().orElseThrow().getBatchSize()).isEqualTo(3);
            assertThat(outcome.ack().orElseThrow().getSeqno()).isEqualTo(stockVersion + 3);
            assertThat(lastSequence(nc, rx)).isEqualTo(stockVersion + 2);
            assertThat(lastSequence(nc, stock)).isEqualTo(stockVersion + 3);
        }
    }

    @Test
    void aStaleGuardOnTheFirstSubjectFailsTheCommitWith10071AndStoresNothing() throws Exception {
        try (Connection nc = connect()) {
            long rxVersion = publish(nc, rx);
            long stockVersion = publish(nc, stock);
            long rxNow = publish(nc, rx); // a concurrent change to the prescription

            RawAtomicBatch.Outcome outcome = new RawAtomicBatch()
                    .add(rx, EXPECTED_SUBJECT_SEQ, Long.toString(rxVersion))
                    .add(stock, EXPECTED_SUBJECT_SEQ, Long.toString(stockVersion))
                    .publish(nc);

            assertThat(outcome.errorCode()).as(outcome.toString()).isEqualTo(WRONG_LAST_SEQUENCE);
            assertThat(outcome.description()).isEqualTo("wrong last sequence: " + rxNow);
            assertThat(outcome.stage()).isEqualTo("commit");
            assertThat(messages(nc)).isEqualTo(3);
        }
    }

    @Test
    void aStaleGuardOnALaterSubjectFailsTheCommitWith10071AndStoresNothing() throws Exception {
        try (Connection nc = connect()) {
            long rxVersion = publish(nc, rx);
            long stockVersion = publish(nc, stock);
            long stockNow = publish(nc, stock); // a concurrent change to the inventory

            RawAtomicBatch.Outcome outcome = new RawAtomicBatch()
                    .add(rx, EXPECTED_SUBJECT_SEQ, Long.toString(rxVersion))
                    .add(rx)
                    .add(stock, EXPECTED_SUBJECT_SEQ, Long.toString(stockVersion))
                    .publish(nc);

            assertThat(outcome.errorCode()).as(outcome.toString()).isEqualTo(WRONG_LAST_SEQUENCE);
            assertThat(outcome.description()).isEqualTo("wrong last sequence: " + stockNow);
            assertThat(outcome.stage()).isEqualTo("commit");
            assertThat(messages(nc)).isEqualTo(3);
            assertThat(lastSequence(nc, rx)).isEqualTo(rxVersion);
        }
    }

    @Test
    void aGuardOnALaterMessageOfASubjectTheBatchAlreadyWroteIsRefusedWith10164EvenWhenCorrect() throws Exception {
        try (Connection nc = connect()) {
            long rxVersion = publish(nc, rx);

            RawAtomicBatch.Outcome outcome = new RawAtomicBatch()
                    .add(rx)
                    .add(rx, EXPECTED_SUBJECT_SEQ, Long.toString(rxVersion))
                    .publish(nc);

            assertThat(outcome.errorCode()).as(outcome.toString()).isEqualTo(WRONG_LAST_SEQUENCE_CONSTANT);
            assertThat(outcome.description()).isEqualTo("wrong last sequence");
            assertThat(messages(nc)).isEqualTo(1);
        }
    }

    @Test
    void aGuardOnTheFirstMessageOfASubjectMayComeLateInTheBatch() throws Exception {
        try (Connection nc = connect()) {
            long rxVersion = publish(nc, rx);

            // the inventory's first message is the batch's third: its guard still sees the stream before the batch
            RawAtomicBatch.Outcome outcome = new RawAtomicBatch()
                    .add(rx, EXPECTED_SUBJECT_SEQ, Long.toString(rxVersion))
                    .add(rx)
                    .add(stock, EXPECTED_SUBJECT_SEQ, "0")
                    .publish(nc);

            assertThat(outcome.error()).as(outcome.toString()).isEmpty();
            assertThat(messages(nc)).isEqualTo(4);
        }
    }

    @Test
    void guardsAnEntityThatIsOnlyReadWithExpectedLastSubjectSequenceSubject() throws Exception {
        try (Connection nc = connect()) {
            long rxVersion = publish(nc, rx);
            long stockVersion = publish(nc, stock);

            // the prescription is written, the inventory only read: its guard rides on a prescription message
            RawAtomicBatch.Outcome fresh = new RawAtomicBatch()
                    .add(rx, EXPECTED_SUBJECT_SEQ, Long.toString(rxVersion))
                    .add(rx, EXPECTED_SUBJECT_SEQ, Long.toString(stockVersion), EXPECTED_SUBJECT_SEQ_SUBJECT, stock)
                    .publish(nc);
            assertThat(fresh.error()).as(fresh.toString()).isEmpty();
            long rxAfter = fresh.ack().orElseThrow().getSeqno();

            publish(nc, stock); // a concurrent change to the inventory
            RawAtomicBatch.Outcome stale = new RawAtomicBatch()
                    .add(rx, EXPECTED_SUBJECT_SEQ, Long.toString(rxAfter))
                    .add(rx, EXPECTED_SUBJECT_SEQ, Long.toString(stockVersion), EXPECTED_SUBJECT_SEQ_SUBJECT, stock)
                    .publish(nc);
            assertThat(stale.errorCode()).as(stale.toString()).isEqualTo(WRONG_LAST_SEQUENCE);
            assertThat(messages(nc)).isEqualTo(5);
        }
    }

    @Test
    void aGuardMaySitOnAMessageBeforeTheFirstMessageOfItsSubject() throws Exception {
        try (Connection nc = connect()) {
            long stockVersion = publish(nc, stock);
            String other = stream + ".prescription.rx-2";

            // rx-2's guard rides on the first message, stock's on the second (rx's), stock is written third
            RawAtomicBatch.Outcome fresh = new RawAtomicBatch()
                    .add(rx, EXPECTED_SUBJECT_SEQ, "0", EXPECTED_SUBJECT_SEQ_SUBJECT, other)
                    .add(rx, EXPECTED_SUBJECT_SEQ, Long.toString(stockVersion), EXPECTED_SUBJECT_SEQ_SUBJECT, stock)
                    .add(stock)
                    .publish(nc);
            assertThat(fresh.error()).as(fresh.toString()).isEmpty();

            RawAtomicBatch.Outcome stale = new RawAtomicBatch()
                    .add(other, EXPECTED_SUBJECT_SEQ, "0")
                    .add(other, EXPECTED_SUBJECT_SEQ, Long.toString(stockVersion), EXPECTED_SUBJECT_SEQ_SUBJECT, stock)
                    .add(stock)
                    .publish(nc);
            assertThat(stale.errorCode()).as(stale.toString()).isEqualTo(WRONG_LAST_SEQUENCE);
            assertThat(messages(nc)).isEqualTo(4);
        }
    }

    @Test
    void aGuardOnTheBatchsOwnSubjectThroughTheSubjectHeaderIsRefusedLikeAnyLaterGuard() throws Exception {
        try (Connection nc = connect()) {
            long rxVersion = publish(nc, rx);

            RawAtomicBatch.Outcome outcome = new RawAtomicBatch()
                    .add(rx)
                    .add(stock, EXPECTED_SUBJECT_SEQ, Long.toString(rxVersion), EXPECTED_SUBJECT_SEQ_SUBJECT, rx)
                    .publish(nc);

            assertThat(outcome.errorCode()).as(outcome.toString()).isEqualTo(WRONG_LAST_SEQUENCE_CONSTANT);
            assertThat(messages(nc)).isEqualTo(1);
        }
    }

    @Test
    void aWildcardFilterGuardsTheLastSequenceOverEveryMatchingSubject() throws Exception {
        try (Connection nc = connect()) {
            String patient = stream + ".prescription-of.p-1.";
            publish(nc, patient + "rx-1");
            long newest = publish(nc, patient + "rx-2");
            publish(nc, stream + ".prescription-of.p-2.rx-9"); // another patient: outside the filter
            long stockVersion = publish(nc, stock);

            RawAtomicBatch.Outcome fresh = new RawAtomicBatch()
                    .add(stock, EXPECTED_SUBJECT_SEQ, Long.toString(stockVersion))
                    .add(
                            stock,
                            EXPECTED_SUBJECT_SEQ,
                            Long.toString(newest),
                            EXPECTED_SUBJECT_SEQ_SUBJECT,
                            patient + "*")
                    .publish(nc);
            assertThat(fresh.error()).as(fresh.toString()).isEmpty();
            long stockAfter = fresh.ack().orElseThrow().getSeqno();

            long added = publish(nc, patient + "rx-3"); // a new prescription of that patient
            RawAtomicBatch.Outcome stale = new RawAtomicBatch()
                    .add(stock, EXPECTED_SUBJECT_SEQ, Long.toString(stockAfter))
                    .add(
                            stock,
                            EXPECTED_SUBJECT_SEQ,
                            Long.toString(newest),
                            EXPECTED_SUBJECT_SEQ_SUBJECT,
                            patient + "*")
                    .publish(nc);
            assertThat(stale.errorCode()).as(stale.toString()).isEqualTo(WRONG_LAST_SEQUENCE);
            assertThat(stale.description()).isEqualTo("wrong last sequence: " + added);
            assertThat(messages(nc)).isEqualTo(7);
        }
    }

    @Test
    void aWildcardGuardIsCheckedAgainstTheStreamBeforeTheBatchNotTheBatchsOwnMessages() throws Exception {
        try (Connection nc = connect()) {
            String patient = stream + ".prescription-of.p-1.";
            long newest = publish(nc, patient + "rx-1");

            // the batch writes a subject matching the filter, then guards the filter with the sequence before it
            RawAtomicBatch.Outcome outcome = new RawAtomicBatch()
                    .add(patient + "rx-2", EXPECTED_SUBJECT_SEQ, "0")
                    .add(
                            stock,
                            EXPECTED_SUBJECT_SEQ,
                            Long.toString(newest),
                            EXPECTED_SUBJECT_SEQ_SUBJECT,
                            patient + "*")
                    .publish(nc);

            LOG.info("wildcard guard after a matching message of the same batch: {}", outcome);
            assertThat(outcome.error()).as(outcome.toString()).isEmpty();
            assertThat(messages(nc)).isEqualTo(3);
        }
    }

    @Test
    void theSubjectHeaderWithoutASequenceIsRefusedWith10193() throws Exception {
        try (Connection nc = connect()) {
            publish(nc, stock);

            RawAtomicBatch.Outcome outcome = new RawAtomicBatch()
                    .add(rx, EXPECTED_SUBJECT_SEQ, "0")
                    .add(rx, EXPECTED_SUBJECT_SEQ_SUBJECT, stock)
                    .publish(nc);

            assertThat(outcome.errorCode()).as(outcome.toString()).isEqualTo(EXPECTED_SUBJECT_WITHOUT_SEQUENCE);
            assertThat(messages(nc)).isEqualTo(1);
        }
    }

    @Test
    void aStreamWideExpectedLastSequenceOnALaterMessageCountsTheBatchsEarlierMessages() throws Exception {
        try (Connection nc = connect()) {
            long last = publish(nc, stock);

            // the stream's last sequence before the batch, on the second message: the first is already counted
            RawAtomicBatch.Outcome later = new RawAtomicBatch()
                    .add(rx)
                    .add(stock, EXPECTED_LAST_SEQ, Long.toString(last))
                    .publish(nc);
            assertThat(later.errorCode()).as(later.toString()).isEqualTo(WRONG_LAST_SEQUENCE);
            assertThat(later.description()).isEqualTo("wrong last sequence: " + (last + 1));

            RawAtomicBatch.Outcome first = new RawAtomicBatch()
                    .add(rx, EXPECTED_LAST_SEQ, Long.toString(last))
                    .add(stock)
                    .publish(nc);
            assertThat(first.error()).as(first.toString()).isEmpty();
            assertThat(messages(nc)).isEqualTo(3);
        }
    }

    @Test
    void aBatchWhoseMessageIdsWereStoredIsRefusedWith10201AndStoresNothing() throws Exception {
        try (Connection nc = connect()) {
            RawAtomicBatch.Outcome original = new RawAtomicBatch()
                    .add(rx, EXPECTED_SUBJECT_SEQ, "0", MSG_ID, "cmd-1:0")
                    .add(stock, EXPECTED_SUBJECT_SEQ, "0", MSG_ID, "cmd-1:1")
                    .publish(nc);
            assertThat(original.error()).as(original.toString()).isEmpty();

            // the same command re-sent (a client retry): same ids, a new batch id, guards now stale
            RawAtomicBatch.Outcome resent = new RawAtomicBatch()
                    .add(rx, EXPECTED_SUBJECT_SEQ, "0", MSG_ID, "cmd-1:0")
                    .add(stock, EXPECTED_SUBJECT_SEQ, "0", MSG_ID, "cmd-1:1")
                    .publish(nc);
            assertThat(resent.errorCode()).as(resent.toString()).isEqualTo(BATCH_CONTAINS_DUPLICATE);

            // only one id of the batch seen before is enough to refuse the whole batch
            RawAtomicBatch.Outcome partly = new RawAtomicBatch()
                    .add(rx, EXPECTED_SUBJECT_SEQ, Long.toString(lastSequence(nc, rx)), MSG_ID, "cmd-2:0")
                    .add(stock, MSG_ID, "cmd-1:1")
                    .publish(nc);
            assertThat(partly.errorCode()).as(partly.toString()).isEqualTo(BATCH_CONTAINS_DUPLICATE);
            assertThat(messages(nc)).isEqualTo(2);
        }
    }

    @Test
    void aMessageIdRepeatedInsideOneBatchIsRefused() throws Exception {
        try (Connection nc = connect()) {
            RawAtomicBatch.Outcome outcome = new RawAtomicBatch()
                    .add(rx, MSG_ID, "cmd-3:0")
                    .add(stock, MSG_ID, "cmd-3:0")
                    .publish(nc);

            LOG.info("the same Nats-Msg-Id twice in one batch: {}", outcome);
            assertThat(outcome.errorCode()).as(outcome.toString()).isEqualTo(BATCH_CONTAINS_DUPLICATE);
            assertThat(messages(nc)).isZero();
        }
    }

    @Test
    void concurrentBatchesOverlappingInOneEntityStoreOnlyOneWinnerEach() throws Exception {
        try (Connection nc = connect()) {
            long stockVersion = publish(nc, stock);
            int writers = 6;
            List<Thread> threads = new ArrayList<>();
            List<RawAtomicBatch.Outcome> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            for (int w = 0; w < writers; w++) {
                String own = stream + ".prescription.rx-w" + w;
                threads.add(new Thread(() -> {
                    try {
                        start.await();
                        outcomes.add(new RawAtomicBatch()
                                .add(own, EXPECTED_SUBJECT_SEQ, "0")
                                .add(stock, EXPECTED_SUBJECT_SEQ, Long.toString(stockVersion))
                                .publish(nc));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            threads.forEach(Thread::start);
            start.countDown();
            for (Thread t : threads) {
                t.join();
            }

            long won = outcomes.stream().filter(o -> o.error().isEmpty()).count();
            LOG.info("{} writers on one inventory: {}", writers, outcomes);
            assertThat(outcomes).hasSize(writers);
            assertThat(won).isEqualTo(1);
            assertThat(outcomes.stream().filter(o -> o.error().isPresent()))
                    .allSatisfy(o -> assertThat(o.errorCode()).isIn(WRONG_LAST_SEQUENCE, WRONG_LAST_SEQUENCE_CONSTANT));
            assertThat(messages(nc)).isEqualTo(3);
        }
    }

    @Test
    void measuresATwoSubjectGuardedBatchAgainstAGuardedSinglePublish() throws Exception {
        try (Connection nc = connect()) {
            int rounds = 30;
            long[] batch = new long[rounds];
            long[] single = new long[rounds];
            long rxVersion = 0;
            long stockVersion = 0;
            for (int i = 0; i < rounds; i++) {
                long t0 = System.nanoTime();
                RawAtomicBatch.Outcome o = new RawAtomicBatch()
                        .add(rx, EXPECTED_SUBJECT_SEQ, Long.toString(rxVersion))
                        .add(stock, EXPECTED_SUBJECT_SEQ, Long.toString(stockVersion))
                        .publish(nc);
                batch[i] = System.nanoTime() - t0;
                assertThat(o.error()).as(o.toString()).isEmpty();
                rxVersion = o.ack().orElseThrow().getSeqno() - 1;
                stockVersion = o.ack().orElseThrow().getSeqno();
                long t1 = System.nanoTime();
                rxVersion = nc.jetStream()
                        .publish(
                                rx,
                                "x".getBytes(StandardCharsets.UTF_8),
                                io.nats.client.PublishOptions.builder()
                                        .expectedLastSubjectSequence(rxVersion)
                                        .build())
                        .getSeqno();
                single[i] = System.nanoTime() - t1;
            }
            java.util.Arrays.sort(batch);
            java.util.Arrays.sort(single);
            LOG.info(
                    "R{}: 2-subject guarded batch median {} ms (p90 {} ms); guarded single publish median {} ms",
                    replicas(),
                    batch[rounds / 2] / 1e6,
                    batch[rounds * 9 / 10] / 1e6,
                    single[rounds / 2] / 1e6);
            assertThat(messages(nc)).isEqualTo(3L * rounds);
        }
    }

    static long publish(Connection nc, String subject) throws IOException, JetStreamApiException {
        return nc.jetStream()
                .publish(subject, "x".getBytes(StandardCharsets.UTF_8))
                .getSeqno();
    }

    long lastSequence(Connection nc, String subject) throws IOException, JetStreamApiException {
        return nc.jetStreamManagement().getLastMessage(stream, subject).getSeq();
    }

    long messages(Connection nc) throws IOException, JetStreamApiException {
        JetStreamManagement jsm = nc.jetStreamManagement();
        return jsm.getStreamInfo(stream).getStreamState().getMsgCount();
    }
}
