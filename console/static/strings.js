// Every text the console shows, by language. Keys are English-ish names;
// {name} placeholders are filled by t(). Add a language by adding a table.
const tables = {
  en: {
    appName: 'andon console',
    loading: 'Loading…',
    email: 'E-mail',
    password: 'Password',
    name: 'Name',
    logIn: 'Log in',
    logOut: 'Log out',
    logOutAll: 'Log out everywhere',
    editorTitle: 'Signed in as an editor',
    editorBody: 'Conversations are for agents and admins. The knowledge base is edited with the andon ingest command for now; its pages in the console are not built yet.',
    loginTitle: 'Log in to the console',
    setupTitle: 'Set your name and password',
    setupHint: 'This link works once. Choose a password of at least 10 characters.',
    save: 'Save',
    cancel: 'Cancel',
    close: 'Close',
    queue: 'Queue',
    history: 'History',
    users: 'Users',
    deliveries: 'Deliveries',
    waiting: 'Waiting',
    mine: 'Mine',
    unread: '{n} unread',
    others: 'With colleagues',
    emptyQueue: 'Nothing waiting. New escalations appear here at once.',
    emptyMine: 'You have no conversations.',
    pickConversation: 'Pick a conversation from the list.',
    waitedFor: 'waiting {t}',
    slaIn: 'SLA {t}',
    slaOver: 'SLA missed {t} ago',
    paged: 'paged level {n}',
    noteFirst: 'Handoff note',
    outcome: 'How it ended',
    claim: 'Claim',
    claimed: '{name} has it',
    transfer: 'Transfer',
    handBack: 'Hand back to bot',
    resolve: 'Resolve',
    reply: 'Reply',
    internalNote: 'Internal note',
    noteHint: 'Only your colleagues see this note, never the visitor.',
    replyPlaceholder: 'Write a reply… type / for canned replies',
    notePlaceholder: 'Write an internal note…',
    send: 'Send',
    addNote: 'Add note',
    claimToReply: 'Claim the conversation to reply.',
    typing: '{who} is typing…',
    visitor: 'Visitor',
    bot: 'Bot',
    system: 'System',
    you: 'You',
    context: 'Context',
    back: 'Back',
    reason: 'Why it escalated',
    rule: 'rule: {rule}',
    priority0: 'urgent',
    priority1: 'high priority',
    priority2: 'normal priority',
    retrieved: 'What the bot found',
    noCandidates: 'The bot found no matching article.',
    confidence: 'confidence {n}',
    visitorInfo: 'Visitor',
    page: 'Page',
    locale: 'Locale',
    device: 'Device',
    verified: 'identity verified',
    unverified: 'not verified',
    earlier: 'Earlier conversations',
    matchedByEmail: 'matched by e-mail (unverified)',
    noEarlier: 'None.',
    notes: 'Notes',
    presence: 'Presence',
    online: 'Online',
    away: 'Away',
    offline: 'Offline',
    reconnecting: 'Connection lost. Reconnecting…',
    enableAlerts: 'Enable alerts',
    alertsOn: 'Alerts on',
    newEscalation: 'New escalation: {reason}',
    transferTitle: 'Transfer conversation',
    toAgent: 'To a colleague',
    toTeam: 'To a team',
    transferNote: 'Note for the next person (required)',
    noteRequired: 'Write a note for the next person.',
    handBackTitle: 'Hand back to the bot',
    handBackNote: 'Note (optional)',
    resolveTitle: 'Resolve conversation',
    category: 'Category',
    summary: 'Summary (optional)',
    learning: 'Teach the knowledge base',
    learnNone: 'Nothing',
    learnExample: "Add the visitor's question to an article",
    learnDraft: 'Save a reply as a draft article',
    searchArticles: 'Search articles',
    question: 'Question',
    title: 'Title',
    text: 'Text',
    pickArticle: 'Pick an article.',
    stateBot: 'with the bot',
    stateWaiting: 'waiting',
    stateHuman: 'with a person',
    stateClosed: 'closed',
    inviteTitle: 'Invite a user',
    invite: 'Invite',
    role: 'Role',
    teams: 'Teams',
    teamsHint: 'comma separated',
    disabled: 'Disabled',
    invited: 'invited',
    invitedHint: 'Has not used the invitation link yet',
    resetLink: 'Reset link',
    linkFor: 'Send this link to {email}. It works once.',
    copy: 'Copy',
    copied: 'Copied',
    status: 'Status',
    attempts: 'Attempts',
    channel: 'Channel',
    event: 'Event',
    lastError: 'Last error',
    when: 'When',
    noDeliveries: 'No notifications sent yet.',
    noHistory: 'No resolved conversations yet.',
    readOnly: 'This conversation is closed.',
    errorGeneric: 'Something went wrong: {msg}',
    language: 'Svenska',
    now: 'now',
  },
  sv: {
    appName: 'andon-konsolen',
    loading: 'Laddar…',
    email: 'E-post',
    password: 'Lösenord',
    name: 'Namn',
    logIn: 'Logga in',
    logOut: 'Logga ut',
    logOutAll: 'Logga ut överallt',
    editorTitle: 'Inloggad som redaktör',
    editorBody: 'Konversationerna är för agenter och administratörer. Kunskapsbasen redigeras med kommandot andon ingest tills vidare; sidorna för den i konsolen finns inte än.',
    loginTitle: 'Logga in i konsolen',
    setupTitle: 'Välj namn och lösenord',
    setupHint: 'Länken fungerar en gång. Välj ett lösenord på minst 10 tecken.',
    save: 'Spara',
    cancel: 'Avbryt',
    close: 'Stäng',
    queue: 'Kö',
    history: 'Historik',
    users: 'Användare',
    deliveries: 'Utskick',
    waiting: 'Väntar',
    mine: 'Mina',
    unread: '{n} olästa',
    others: 'Hos kollegor',
    emptyQueue: 'Inget väntar. Nya eskaleringar dyker upp här direkt.',
    emptyMine: 'Du har inga samtal.',
    pickConversation: 'Välj ett samtal i listan.',
    waitedFor: 'väntat {t}',
    slaIn: 'SLA {t}',
    slaOver: 'SLA missad för {t} sedan',
    paged: 'larmat nivå {n}',
    noteFirst: 'Överlämningsanteckning',
    outcome: 'Hur det slutade',
    claim: 'Ta',
    claimed: '{name} har det',
    transfer: 'Överlämna',
    handBack: 'Tillbaka till boten',
    resolve: 'Avsluta',
    reply: 'Svar',
    internalNote: 'Intern anteckning',
    noteHint: 'Bara kollegor ser anteckningen, aldrig besökaren.',
    replyPlaceholder: 'Skriv ett svar… skriv / för färdiga svar',
    notePlaceholder: 'Skriv en intern anteckning…',
    send: 'Skicka',
    addNote: 'Lägg till',
    claimToReply: 'Ta samtalet för att svara.',
    typing: '{who} skriver…',
    visitor: 'Besökare',
    bot: 'Bot',
    system: 'System',
    you: 'Du',
    context: 'Sammanhang',
    back: 'Tillbaka',
    reason: 'Varför det eskalerades',
    rule: 'regel: {rule}',
    priority0: 'brådskande',
    priority1: 'hög prioritet',
    priority2: 'normal prioritet',
    retrieved: 'Vad boten hittade',
    noCandidates: 'Boten hittade ingen passande artikel.',
    confidence: 'säkerhet {n}',
    visitorInfo: 'Besökare',
    page: 'Sida',
    locale: 'Språk',
    device: 'Enhet',
    verified: 'identitet verifierad',
    unverified: 'ej verifierad',
    earlier: 'Tidigare samtal',
    matchedByEmail: 'matchad på e-post (ej verifierad)',
    noEarlier: 'Inga.',
    notes: 'Anteckningar',
    presence: 'Närvaro',
    online: 'Tillgänglig',
    away: 'Borta',
    offline: 'Offline',
    reconnecting: 'Anslutningen bröts. Ansluter igen…',
    enableAlerts: 'Slå på larm',
    alertsOn: 'Larm på',
    newEscalation: 'Ny eskalering: {reason}',
    transferTitle: 'Överlämna samtal',
    toAgent: 'Till en kollega',
    toTeam: 'Till ett team',
    transferNote: 'Anteckning till nästa person (krävs)',
    noteRequired: 'Skriv en anteckning till nästa person.',
    handBackTitle: 'Tillbaka till boten',
    handBackNote: 'Anteckning (frivillig)',
    resolveTitle: 'Avsluta samtal',
    category: 'Kategori',
    summary: 'Sammanfattning (frivillig)',
    learning: 'Lär kunskapsbasen',
    learnNone: 'Inget',
    learnExample: 'Lägg besökarens fråga till en artikel',
    learnDraft: 'Spara ett svar som artikelutkast',
    searchArticles: 'Sök artiklar',
    question: 'Fråga',
    title: 'Rubrik',
    text: 'Text',
    pickArticle: 'Välj en artikel.',
    stateBot: 'hos boten',
    stateWaiting: 'väntar',
    stateHuman: 'hos en person',
    stateClosed: 'avslutat',
    inviteTitle: 'Bjud in en användare',
    invite: 'Bjud in',
    role: 'Roll',
    teams: 'Team',
    teamsHint: 'kommaseparerade',
    disabled: 'Avstängd',
    invited: 'inbjuden',
    invitedHint: 'Har inte använt inbjudningslänken än',
    resetLink: 'Återställningslänk',
    linkFor: 'Skicka länken till {email}. Den fungerar en gång.',
    copy: 'Kopiera',
    copied: 'Kopierad',
    status: 'Status',
    attempts: 'Försök',
    channel: 'Kanal',
    event: 'Händelse',
    lastError: 'Senaste fel',
    when: 'När',
    noDeliveries: 'Inga aviseringar skickade än.',
    noHistory: 'Inga avslutade samtal än.',
    readOnly: 'Samtalet är avslutat.',
    errorGeneric: 'Något gick fel: {msg}',
    language: 'English',
    now: 'nu',
  },
};

// Reason codes in plain words, as handoff.ReasonText says them. Item
// frames carry the server's English reason_text for every agent at once,
// so the console says the code in the agent's language itself; an unknown
// code falls back to the server's text. JSON between the markers:
// console/reasons_test.go checks it against handoff.ReasonText, both ways.
// reasons:begin
const reasonTables = {
  "en": {
    "words": {
      "asked_for_human": "The visitor asked for a person",
      "negative_feedback": "The visitor said an answer did not help",
      "low_confidence": "The bot was not sure of the answer",
      "retrieval_error": "The knowledge base could not be searched",
      "bot_error": "The bot failed",
      "timeout": "The bot took too long",
      "reopened": "The visitor came back to a closed conversation",
      "agent_joined": "A person joined",
      "personal_data:card": "The visitor shared a card number",
      "personal_data:personnummer": "The visitor shared a personal identity number",
      "personal_data:iban": "The visitor shared bank details (IBAN)",
      "frustration:repeat": "The visitor repeated the question",
      "frustration:words": "The visitor sounds frustrated",
      "frustration:shouting": "The visitor is shouting",
      "agent_left": "The agent's console closed",
      "transferred": "Transferred to the team",
      "handed_back": "Handed back to the bot",
      "resolved": "Resolved",
      "orphaned": "Found without an owner at start",
      "sensitive:": "Sensitive topic: %s",
      "personal_data:": "Personal data: %s",
      "frustration:": "The visitor is frustrated: %s"
    },
    "topics": {
      "billing": "billing",
      "legal": "legal",
      "security": "security",
      "account_deletion": "account deletion",
      "complaint": "complaint",
      "self_harm": "self-harm"
    }
  },
  "sv": {
    "words": {
      "asked_for_human": "Besökaren bad om en person",
      "negative_feedback": "Besökaren sa att ett svar inte hjälpte",
      "low_confidence": "Boten var osäker på svaret",
      "retrieval_error": "Kunskapsbasen gick inte att söka i",
      "bot_error": "Boten fick ett fel",
      "timeout": "Boten tog för lång tid",
      "reopened": "Besökaren kom tillbaka till ett stängt samtal",
      "agent_joined": "En person anslöt",
      "personal_data:card": "Besökaren delade ett kortnummer",
      "personal_data:personnummer": "Besökaren delade ett personnummer",
      "personal_data:iban": "Besökaren delade bankuppgifter (IBAN)",
      "frustration:repeat": "Besökaren upprepade frågan",
      "frustration:words": "Besökaren låter frustrerad",
      "frustration:shouting": "Besökaren skriker (versaler)",
      "agent_left": "Handläggarens konsol stängdes",
      "transferred": "Överlämnat till teamet",
      "handed_back": "Tillbaka till boten",
      "resolved": "Löst",
      "orphaned": "Saknade ägare vid start",
      "sensitive:": "Känsligt ämne: %s",
      "personal_data:": "Personuppgifter: %s",
      "frustration:": "Besökaren är frustrerad: %s"
    },
    "topics": {
      "billing": "fakturering",
      "legal": "juridik",
      "security": "säkerhet",
      "account_deletion": "radera konto",
      "complaint": "klagomål",
      "self_harm": "självskada"
    }
  }
};
// reasons:end

function pick() {
  const saved = localStorage.getItem('andon.lang');
  if (saved && tables[saved]) return saved;
  return (navigator.language || 'en').toLowerCase().startsWith('sv') ? 'sv' : 'en';
}

let lang = pick();

/** The current language code. */
export function currentLang() { return lang; }

/** Switches language and remembers it; the caller re-renders. */
export function setLang(l) {
  if (!tables[l]) return;
  lang = l;
  localStorage.setItem('andon.lang', l);
  document.documentElement.lang = l;
}

/** The text for key with {placeholders} filled from vars. */
export function t(key, vars) {
  let s = tables[lang][key] ?? tables.en[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

/**
 * A reason code in words in the current language, the way
 * handoff.ReasonText says it ("sensitive:billing" → "Känsligt ämne:
 * fakturering"); for a code this table does not know, the server's text
 * (serverText), else the code itself.
 */
export function reasonText(code, serverText) {
  if (!code) return serverText || '';
  const tb = reasonTables[lang] || reasonTables.en;
  if (tb.words[code]) return tb.words[code];
  const i = code.indexOf(':');
  if (i >= 0) {
    const family = tb.words[code.slice(0, i + 1)];
    if (family) {
      const detail = code.slice(i + 1);
      return family.replace('%s', tb.topics[detail] || detail.replaceAll('_', ' '));
    }
  }
  return serverText || code;
}

/** A short duration in words: 45 s, 3 min, 2 h 5 min. */
export function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60} min`;
}
