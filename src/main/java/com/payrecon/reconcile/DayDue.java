package com.payrecon.reconcile;

import java.time.LocalDate;

import com.payrecon.account.Account;

/** An account-day a run of {@code daily-reconciliation} reconciles (see {@link Reconciliation#daysDue}). */
public record DayDue(Account account, LocalDate day) {
}
