import nodemailer from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Sends mail through the configured SMTP server; `enabled` is false when none is. */
export interface Mailer {
  readonly enabled: boolean;
  send(mail: Mail): Promise<void>;
}

/** Bounded, so an SMTP server that does not answer delays an invitation by seconds, not minutes. */
const SMTP_TIMEOUT_MS = 10_000;

export function createMailer(settings: { smtpUrl: string; mailFrom: string }): Mailer {
  if (!settings.smtpUrl) {
    return {
      enabled: false,
      send: () => Promise.reject(new Error('no SMTP server is configured (SMTP_URL)')),
    };
  }
  const transport = nodemailer.createTransport(settings.smtpUrl, {
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
  });
  return {
    enabled: true,
    async send(mail) {
      await transport.sendMail({ from: settings.mailFrom, ...mail });
    },
  };
}
