package dev.verdict.spring.docs;

import dev.verdict.decider.ProcessManager;
import dev.verdict.projection.SubjectFilter;
import dev.verdict.projection.process.CommandSender;
import dev.verdict.projection.process.ProcessProjection;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Registration;
import dev.verdict.spring.VerdictProjection;
import dev.verdict.spring.docs.Rx.RxEvent;
import dev.verdict.spring.docs.Stock.StockCommand;
import dev.verdict.spring.docs.Stock.StockEvent;
import dev.verdict.spring.tracing.VerdictTracing;
import dev.verdict.store.Category;
import dev.verdict.store.EntityRef;
import dev.verdict.store.StoreName;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.codec.JsonStateCodec;
import dev.verdict.store.nats.NatsProcessStates;
import io.nats.client.Connection;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

// as in docs/spring-boot.md, "A process manager" (package com.example.pharmacy there)
@Configuration(proxyBeanMethods = false)
public class StockConfiguration {

    /** The process manager's own state: how many dispenses it reacted to. */
    public record Dispenses(int count) {}

    @Bean
    Registration<StockCommand, Stock, StockEvent> stock() {
        return Registration.of("stock", Stock.DECIDER, JsonEventCodec.of(StockEvent.class));
    }

    /** Every dispense takes its doses from the stock; its commands carry the dispense's trace on. */
    @Bean
    VerdictProjection<RxEvent> takeFromStock(
            Connection connection, EntityHandle<StockCommand, Stock, StockEvent> stock, VerdictTracing tracing) {
        ProcessManager<RxEvent, Dispenses, StockCommand> process =
                ProcessManager.<RxEvent, Dispenses, StockCommand>builder(new Dispenses(0), RxEvent.class)
                        .evolve(RxEvent.Dispensed.class, (seen, dispensed) -> new Dispenses(seen.count() + 1))
                        .react(
                                RxEvent.Dispensed.class,
                                (seen, dispensed) -> List.of(new StockCommand.Take(dispensed.quantity())))
                        .build();
        return VerdictProjection.of(
                ProcessProjection.of(
                        NatsProcessStates.open(connection), // state per instance in KV, read from the leader
                        "take-from-stock",
                        process,
                        JsonStateCodec.of(Dispenses.class),
                        command -> EntityRef.of("stock", "main"),
                        tracing.sender(CommandSender.via(stock))), // a plain CommandSender.via(stock) without traces
                SubjectFilter.category(StoreName.of("pharmacy"), Category.of("prescription")),
                JsonEventCodec.of(RxEvent.class));
    }
}
