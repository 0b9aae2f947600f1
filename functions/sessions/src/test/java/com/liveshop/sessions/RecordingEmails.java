package com.liveshop.sessions;

import com.liveshop.sessions.service.ReminderEmails;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Our {@link ReminderEmails} as a mailbox: every email as its recipient would read it (a bulk template filled per
 * entry, as SES does), the bulk calls' sizes, and addresses to refuse once as throttled.
 */
final class RecordingEmails implements ReminderEmails {

    final List<Email> sent = new CopyOnWriteArrayList<>();
    final List<Integer> bulkSizes = new CopyOnWriteArrayList<>();
    final Set<String> throttleOnce = java.util.Collections.synchronizedSet(new HashSet<>());
    volatile RuntimeException failNextCall;

    @Override
    public void send(Email email) {
        failIfAsked();
        sent.add(email);
    }

    @Override
    public List<EntryResult> sendBulk(Template template, List<BulkEntry> entries) {
        if (entries.size() > 50) {
            throw new IllegalArgumentException("SES takes at most 50 bulk entries");
        }
        failIfAsked();
        bulkSizes.add(entries.size());
        List<EntryResult> results = new ArrayList<>();
        for (BulkEntry entry : entries) {
            if (throttleOnce.remove(entry.to())) {
                results.add(new EntryResult(false, true, "ACCOUNT_THROTTLED"));
                continue;
            }
            sent.add(new Email(
                    entry.to(),
                    fill(template.subject(), entry.values()),
                    fill(template.text(), entry.values()),
                    fill(template.html(), entry.values()),
                    entry.headers()));
            results.add(new EntryResult(true, false, "SUCCESS"));
        }
        return results;
    }

    List<Email> to(String address) {
        return sent.stream().filter(e -> e.to().equals(address)).toList();
    }

    private void failIfAsked() {
        RuntimeException e = failNextCall;
        if (e != null) {
            failNextCall = null;
            throw e;
        }
    }

    private static String fill(String template, Map<String, String> values) {
        String out = template;
        for (Map.Entry<String, String> v : values.entrySet()) {
            out = out.replace("{{" + v.getKey() + "}}", v.getValue());
        }
        return out;
    }
}
