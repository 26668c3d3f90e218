/** Bundled domain lists for the Email Verifier (lower case). */

/** Throwaway-mailbox services (a sample of the best known; subdomains match too). */
export const DISPOSABLE = new Set(
  `10minutemail.com 10minutemail.net 20minutemail.com 33mail.com anonbox.net burnermail.io byom.de dispostable.com discard.email dropmail.me
emailondeck.com emailfake.com fakeinbox.com fakemail.net getairmail.com getnada.com guerrillamail.com guerrillamail.net guerrillamail.org
guerrillamailblock.com grr.la harakirimail.com incognitomail.org inboxbear.com inboxkitten.com jetable.org mailcatch.com maildrop.cc mailinator.com
mailinator.net mailinator2.com mailnesia.com mailnull.com mailsac.com mailtemp.info mintemail.com moakt.com mohmal.com mytemp.email mytrashmail.com
nada.email throwawaymail.com sharklasers.com spam4.me spambog.com spamgourmet.com spamex.com temp-mail.org temp-mail.io tempail.com tempmail.com
tempmail.net tempmailo.com tempr.email tempinbox.com trash-mail.com trashmail.com trashmail.de trashmail.net trashmail.io wegwerfmail.de
yopmail.com yopmail.fr yopmail.net mailpoof.com emailtemporanea.net tmail.ws tmpmail.org tmpmail.net 1secmail.com 1secmail.org 1secmail.net
mail.tm mailgutter.com linshiyouxiang.net spambox.us`.split(/\s+/),
);

/** Mailbox providers anyone can sign up to: not a company address. */
export const FREE_PROVIDERS = new Set(
  `gmail.com googlemail.com yahoo.com yahoo.co.uk yahoo.co.in yahoo.fr ymail.com outlook.com hotmail.com hotmail.co.uk hotmail.fr live.com msn.com
aol.com icloud.com me.com mac.com proton.me protonmail.com pm.me gmx.com gmx.de gmx.net web.de mail.com mail.ru yandex.com yandex.ru zoho.com
zohomail.com fastmail.com hey.com tutanota.com tuta.io rediffmail.com qq.com 163.com 126.com naver.com orange.fr free.fr libero.it t-online.de`.split(/\s+/),
);

/** Local parts that name a role or a team rather than a person. */
export const ROLE_LOCAL_PARTS = new Set(
  `abuse accounting accounts admin administrator all billing careers compliance contact contactus customerservice customercare dev devnull
enquiries enquiry feedback finance hello help helpdesk hi hostmaster hr info inquiries invoice invoices it jobs legal mail marketing media
news newsletter noc no-reply noreply office ops orders postmaster press privacy recruiting recruitment root sales security service services
shop spam staff support sysadmin team tech test usenet webmaster welcome`.split(/\s+/),
);

/** Domains often mistyped: the typo suggestion compares against these. */
export const POPULAR = ['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'icloud.com', 'aol.com', 'proton.me', 'protonmail.com', 'live.com', 'gmx.com', 'yandex.com', 'zoho.com'];
