package com.payrecon.reconcile;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import com.payrecon.provider.PaymentProvider.BillDownload;

import org.springframework.stereotype.Component;

/**
 * Bills handed to a run instead of the provider's download (an imported file; tests and benchmarks with their own
 * bytes), keyed by the run request. {@link Reconciliation} puts one here and starts the job in the same thread; the
 * job's download step takes it and treats it exactly like a download (kept, checked, recorded). A restart of that run
 * later asks the provider.
 */
@Component
class BillImports {

	private final Map<String, Supplier<BillDownload>> pending = new ConcurrentHashMap<>();

	void put(String request, Supplier<BillDownload> source) {
		pending.put(request, source);
	}

	Optional<Supplier<BillDownload>> take(String request) {
		return request == null ? Optional.empty() : Optional.ofNullable(pending.remove(request));
	}

	void forget(String request) {
		pending.remove(request);
	}
}
