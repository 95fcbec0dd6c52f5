package com.example.rx;

import java.time.Instant;

public sealed interface RxEvent {
    record Prescribed(String drug, int quantity, Instant at) implements RxEvent {}

    record Dispensed(int quantity, Instant at) implements RxEvent {}
}
