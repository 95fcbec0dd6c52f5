package dev.verdict.spring.docs;

import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Outcome;
import dev.verdict.spring.docs.Rx.RxCommand;
import dev.verdict.spring.docs.Rx.RxEvent;
import dev.verdict.spring.tracing.VerdictTracing;
import dev.verdict.store.CommandContext;
import org.springframework.stereotype.Service;

// as in docs/spring-boot.md, "Traces" (package com.example.pharmacy there)
@Service
public class TracedDispensingService {
    private final EntityHandle<RxCommand, Rx, RxEvent> prescriptions;
    private final VerdictTracing tracing;

    public TracedDispensingService(EntityHandle<RxCommand, Rx, RxEvent> prescriptions, VerdictTracing tracing) {
        this.prescriptions = prescriptions;
        this.tracing = tracing;
    }

    /** Dispenses inside an observation: the events carry the caller's trace (header Verdict-Meta-traceparent). */
    public Outcome<Rx, RxEvent> dispense(String rxId, int quantity, String idempotencyKey) {
        return tracing.handle(
                prescriptions, rxId, new RxCommand.Dispense(quantity), CommandContext.withCommandId(idempotencyKey));
    }
}
