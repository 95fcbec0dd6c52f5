package dev.verdict.runtime.multi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.CombinedState;
import dev.verdict.decider.EntityType;
import dev.verdict.decider.MultiDecider;
import dev.verdict.decider.View;
import dev.verdict.nats.NatsProjections;
import dev.verdict.projection.ApplyRetryPolicy;
import dev.verdict.projection.PoisonPolicy;
import dev.verdict.projection.ProjectionRunner;
import dev.verdict.projection.SubjectFilter;
import dev.verdict.projection.ViewProjection;
import dev.verdict.projection.process.CommandRouter;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.MultiEntityHandle;
import dev.verdict.runtime.MultiRegistration;
import dev.verdict.runtime.Outcome;
import dev.verdict.runtime.Registration;
import dev.verdict.runtime.multi.Dispensary.Deducted;
import dev.verdict.runtime.multi.Dispensary.Dispensed;
import dev.verdict.runtime.multi.Dispensary.Prescribe;
import dev.verdict.runtime.multi.Dispensary.Receive;
import dev.verdict.runtime.multi.Dispensary.Rx;
import dev.verdict.runtime.multi.Dispensary.RxCommand;
import dev.verdict.runtime.multi.Dispensary.RxEvent;
import dev.verdict.runtime.multi.Dispensary.Stock;
import dev.verdict.runtime.multi.Dispensary.StockCommand;
import dev.verdict.runtime.multi.Dispensary.StockEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.api.StreamInfoOptions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An {@link EntityType} declared once names its entities everywhere: the entities its registration stores, the
 * entities a multi-entity decision built from it reads and writes, and the subject filter a projection of it reads
 * and the target of a process manager's command routed by it are one and the same subjects in the stream – for
 * hierarchical categories too. One type is registered through {@code Registration.of(type, codec)}, the other through
 * the shorthand {@code runtime.register(type, codec)}: both must register the type's decider instance.
 */
class EntityTypesOnNatsTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final AtomicInteger STORES = new AtomicInteger();

    static final EntityType<RxCommand, Rx, RxEvent> PRESCRIPTIONS = EntityType.of("clinic.prescription", Dispensary.RX);
    static final EntityType<StockCommand, Stock, StockEvent> STOCKS = EntityType.of("clinic.stock", Dispensary.STOCK);

    record Dispense(String rx, int quantity) {}

    /** The stock of drug "aspirin" for every prescription: chosen, so the runtime insists on the registered decider. */
    static final MultiDecider<Dispense, CombinedState<Rx, Stock>, Object> DISPENSE = MultiDecider.of(
            PRESCRIPTIONS.read(Dispense::rx),
            STOCKS.chosenRead((Dispense d, Rx rx) -> Optional.of("aspirin")),
            (command, rx, stock) -> new MultiDecider.EventsOfBoth<>(
                    List.<RxEvent>of(new Dispensed(command.quantity())),
                    List.<StockEvent>of(new Deducted(command.quantity()))));

    @Test
    void theRefsOfATypeAreTheSubjectsItsRegistrationStoresAndItsFilterReads() throws Exception {
        StoreName name = StoreName.of("types" + STORES.incrementAndGet());
        CountingStore store = new CountingStore(NatsEventStore.create(
                NATS.server().connect(),
                NatsEventStoreConfig.builder().storeName(name).build()));
        try (CommandRuntime runtime = CommandRuntime.builder(store).build()) {
            EntityHandle<RxCommand, Rx, RxEvent> prescriptions =
                    runtime.register(Registration.of(PRESCRIPTIONS, Dispensary.RX_EVENTS));
            EntityHandle<StockCommand, Stock, StockEvent> stocks = runtime.register(STOCKS, Dispensary.STOCK_EVENTS);
            MultiEntityHandle<Dispense, CombinedState<Rx, Stock>, Object> dispenses =
                    runtime.register(MultiRegistration.of("dispense", DISPENSE));

            prescriptions.handle("rx-1", new Prescribe(5));
            stocks.handle("aspirin", new Receive(10));
            store.reset();
            Outcome<CombinedState<Rx, Stock>, Object> dispensed = dispenses.handle(new Dispense("rx-1", 2));

            EntityRef rx = EntityRef.of(PRESCRIPTIONS.key("rx-1"));
            EntityRef aspirin = EntityRef.of(STOCKS.key("aspirin"));
            assertThat(dispensed.isAccepted()).isTrue();
            assertThat(dispensed.versions().keySet()).isEqualTo(Set.of(rx, aspirin));
            assertThat(dispensed.state().second().onHand()).isEqualTo(8);
            assertThat(store.readsOf(rx) + store.readsOf(aspirin))
                    .as("the decision folds with the registered deciders, so it starts from their cached states")
                    .isZero();

            Map<String, Long> stored = NATS.connection()
                    .jetStreamManagement()
                    .getStreamInfo(name.value(), StreamInfoOptions.allSubjects())
                    .getStreamState()
                    .getSubjectMap();
            assertThat(stored).isEqualTo(Map.of(rx.subject(name.value()), 2L, aspirin.subject(name.value()), 2L));
            assertThat(stored.keySet())
                    .isEqualTo(
                            Set.of(name.value() + ".clinic.prescription.rx-1", name.value() + ".clinic.stock.aspirin"));
            assertThat(CommandRouter.<StockCommand>to(STOCKS, command -> "aspirin")
                            .target(new Receive(1)))
                    .as("a process manager's command goes to the entity the type names")
                    .isEqualTo(aspirin);
            ViewProjection<Integer, RxEvent> rxEvents =
                    ViewProjection.of("rx-events", View.<Integer, RxEvent>of(0, (n, event) -> n + 1));
            try (ProjectionRunner<RxEvent> runner = NatsProjections.runner(
                            NATS.connection(), name, PRESCRIPTIONS, Dispensary.RX_EVENTS, rxEvents)
                    .retryPolicy(ApplyRetryPolicy.none())
                    .poisonPolicy(PoisonPolicy.STOP) // a stock event here would halt it
                    .build()) {
                runner.start();
                runner.caughtUp().get(30, TimeUnit.SECONDS);
                assertThat(rxEvents.state())
                        .as("a runner of the type reads the type's events: the prescription's two, not the stock's")
                        .isEqualTo(2);
            }
            assertThat(SubjectFilter.category(name, PRESCRIPTIONS).subjects())
                    .containsExactly(name.value() + ".clinic.prescription.*");
            assertThat(SubjectFilter.categories(name, PRESCRIPTIONS, STOCKS).subjects())
                    .containsExactly(name.value() + ".clinic.prescription.*", name.value() + ".clinic.stock.*");
        }
    }
}
