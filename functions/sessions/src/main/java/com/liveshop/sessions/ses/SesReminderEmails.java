package com.liveshop.sessions.ses;

import com.liveshop.sessions.service.ReminderEmails;
import com.liveshop.shared.json.Json;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.BulkEmailEntry;
import software.amazon.awssdk.services.sesv2.model.BulkEmailEntryResult;
import software.amazon.awssdk.services.sesv2.model.BulkEmailStatus;
import software.amazon.awssdk.services.sesv2.model.MessageHeader;

/**
 * Reminder email through SES v2 from {@code SENDER_EMAIL} (the template's SenderEmail, the one identity the role may
 * send as): SendEmail with Simple content for one address, SendBulkEmail with an inline template for up to 50.
 */
public final class SesReminderEmails implements ReminderEmails {

    /** Bulk entry statuses worth another try later; the others (rejected, bad parameter…) will not get better. */
    private static final Set<BulkEmailStatus> RETRYABLE = Set.of(
            BulkEmailStatus.ACCOUNT_THROTTLED,
            BulkEmailStatus.TRANSIENT_FAILURE,
            BulkEmailStatus.FAILED,
            BulkEmailStatus.ACCOUNT_DAILY_QUOTA_EXCEEDED,
            BulkEmailStatus.ACCOUNT_SENDING_PAUSED);

    private final SesV2Client ses;
    private final String sender;

    public SesReminderEmails(SesV2Client ses, String sender) {
        this.ses = ses;
        this.sender = sender;
    }

    @Override
    public void send(Email email) {
        ses.sendEmail(r -> r.fromEmailAddress(sender)
                .destination(d -> d.toAddresses(email.to()))
                .content(c ->
                        c.simple(m -> m.subject(s -> s.data(email.subject()).charset("UTF-8"))
                                .body(b -> b.text(t -> t.data(email.text()).charset("UTF-8"))
                                        .html(h -> h.data(email.html()).charset("UTF-8")))
                                .headers(headers(email.headers())))));
    }

    @Override
    public List<EntryResult> sendBulk(Template template, List<BulkEntry> entries) {
        List<BulkEmailEntry> bulk = entries.stream()
                .map(e -> BulkEmailEntry.builder()
                        .destination(d -> d.toAddresses(e.to()))
                        .replacementEmailContent(
                                c -> c.replacementTemplate(t -> t.replacementTemplateData(Json.write(e.values()))))
                        .replacementHeaders(headers(e.headers()))
                        .build())
                .toList();
        List<BulkEmailEntryResult> results = ses.sendBulkEmail(r -> r.fromEmailAddress(sender)
                        .defaultContent(c -> c.template(t -> t.templateContent(tc -> tc.subject(template.subject())
                                        .text(template.text())
                                        .html(template.html()))
                                .templateData("{}")))
                        .bulkEmailEntries(bulk))
                .bulkEmailEntryResults();
        return results.stream()
                .map(r -> new EntryResult(
                        r.status() == BulkEmailStatus.SUCCESS, RETRYABLE.contains(r.status()), r.statusAsString()))
                .toList();
    }

    private static List<MessageHeader> headers(Map<String, String> headers) {
        return headers.entrySet().stream()
                .map(h -> MessageHeader.builder()
                        .name(h.getKey())
                        .value(h.getValue())
                        .build())
                .toList();
    }
}
