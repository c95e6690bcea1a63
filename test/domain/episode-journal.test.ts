// Journal duties and the quality registry: RecordJournalEntry, CorrectJournalEntry, RecordRegistryFollowUp.
import { episodeSpec } from './decider-specification';
import { NOW, THERAPIST_ID, assigned, ended, journalRecorded, obligationRaised, unitAdmin } from './fixtures';
import type { CommandOf } from '../../src/domain/episode/commands';
import type { EpisodeEvent } from '../../src/domain/episode/events';

const episode = episodeSpec();
const record = (obligationId: string, o: Partial<CommandOf<'RecordJournalEntry'>['data']> = {}): CommandOf<'RecordJournalEntry'> => ({
  type: 'RecordJournalEntry',
  data: { obligationId, ...o },
});
const correct = (obligationId: string, o: Partial<CommandOf<'CorrectJournalEntry'>['data']> = {}): CommandOf<'CorrectJournalEntry'> => ({
  type: 'CorrectJournalEntry',
  data: { obligationId, reason: 'Fel anteckning angiven.', ...o },
});
const followUp = (timepoint: 'baseline' | '3-months' | '12-months', measures: CommandOf<'RecordRegistryFollowUp'>['data']['measures']): CommandOf<'RecordRegistryFollowUp'> => ({
  type: 'RecordRegistryFollowUp',
  data: { timepoint, measures },
});

describe('RecordJournalEntry', () => {
  it('records the journal entry for an obligation, with its reference and form', () => {
    episode
      .given(assigned())
      .when(record('assignment', { journalReference: 'Cosmic: distanskontakt 2026-11-22', form: 'contact' }))
      .then([{ type: 'JournalEntryRecorded', data: { obligationId: 'assignment', journalReference: 'Cosmic: distanskontakt 2026-11-22', form: 'contact', by: THERAPIST_ID, at: NOW } }]);
  });

  it('records without reference or form as null', () => {
    episode
      .given(assigned())
      .when(record('assignment'), { actor: unitAdmin })
      .then([{ type: 'JournalEntryRecorded', data: { obligationId: 'assignment', journalReference: null, form: null, by: unitAdmin.id, at: NOW } }]);
  });

  it('records the completed school in a note ("notat") when there is no further contact', () => {
    const school: EpisodeEvent[] = [{ type: 'SchoolCompleted', data: { basis: 'all-parts-of-module', moduleId: 'hand', at: NOW } }, obligationRaised('completed-school', 3)];
    episode
      .given([...assigned(), ...school])
      .when(record('completed-school', { form: 'note' }))
      .then(([e]) => expect(e).toMatchObject({ data: { obligationId: 'completed-school', form: 'note' } }));
  });

  it('records a conversation\'s summary against that conversation\'s obligation', () => {
    const conversation: EpisodeEvent[] = [
      { type: 'MessageSent', data: { messageId: 'm1', conversationId: 'c1', startsConversation: true, senderRole: 'patient', senderId: 'gw', text: 'Hej', notifyInbox: false, at: NOW } },
      obligationRaised('conversation', 3, { conversationId: 'c1' }),
    ];
    episode.given([...assigned(), ...conversation]).when(record('conversation-c1')).then(([e]) => expect(e).toMatchObject({ data: { obligationId: 'conversation-c1' } }));
  });

  it('refuses a second entry for the same obligation', () => {
    episode.given([...assigned(), journalRecorded('assignment')]).when(record('assignment')).thenThrows('OBLIGATION_ALREADY_RECORDED');
  });

  it.each(['completed-school', 'end', 'conversation-c1', 'no-such-obligation'])('refuses an obligation that was never raised (%s)', (obligationId) => {
    episode.given(assigned()).when(record(obligationId)).thenThrows('UNKNOWN_OBLIGATION', 'unacceptable');
  });

  // Obligation ids come from the request body; names of Object.prototype members are not obligations.
  it.each(['constructor', '__proto__'])('refuses an obligation id that is a built-in property name (%s)', (obligationId) => {
    episode.given(assigned()).when(record(obligationId)).thenThrows('UNKNOWN_OBLIGATION', 'unacceptable');
  });

  it('still journals after the end', () => {
    episode.given(ended()).when(record('end')).then(([e]) => expect(e).toMatchObject({ type: 'JournalEntryRecorded', data: { obligationId: 'end' } }));
  });

  it('refuses on a missing episode', () => {
    episode.given([]).when(record('assignment')).thenThrows('NOT_FOUND');
  });
});

describe('CorrectJournalEntry', () => {
  // assigned: 0-2; the entry: revision 3.
  const recorded = () => [...assigned(), journalRecorded('assignment', 'Cosmic 1')];

  it('corrects by a new event naming the corrected revision, who and why', () => {
    episode
      .given(recorded())
      .when(correct('assignment', { journalReference: 'Cosmic 2', reason: 'Fel patientjournal angavs.' }), { actor: unitAdmin })
      .then([
        {
          type: 'JournalEntryCorrected',
          data: { obligationId: 'assignment', correctsRevision: 3, journalReference: 'Cosmic 2', reason: 'Fel patientjournal angavs.', by: unitAdmin.id, at: NOW },
        },
      ]);
  });

  it('names the latest correction when correcting again', () => {
    const first: EpisodeEvent = {
      type: 'JournalEntryCorrected',
      data: { obligationId: 'assignment', correctsRevision: 3, journalReference: 'Cosmic 2', reason: 'Fel', by: THERAPIST_ID, at: NOW },
    };
    episode.given([...recorded(), first]).when(correct('assignment')).then(([e]) => expect(e).toMatchObject({ data: { correctsRevision: 4, journalReference: null } }));
  });

  it('does not reopen the obligation: recording again is still refused', () => {
    const corrected: EpisodeEvent = {
      type: 'JournalEntryCorrected',
      data: { obligationId: 'assignment', correctsRevision: 3, journalReference: null, reason: 'Fel', by: THERAPIST_ID, at: NOW },
    };
    episode.given([...recorded(), corrected]).when(record('assignment')).thenThrows('OBLIGATION_ALREADY_RECORDED');
  });

  it('refuses to correct an entry that was never recorded', () => {
    episode.given(assigned()).when(correct('assignment')).thenThrows('OBLIGATION_NOT_RECORDED');
  });

  it('refuses an obligation that was never raised', () => {
    episode.given(recorded()).when(correct('end')).thenThrows('UNKNOWN_OBLIGATION', 'unacceptable');
  });

  it('still corrects after the end', () => {
    episode.given([...ended(), journalRecorded('end')]).when(correct('end')).then(([e]) => expect(e).toMatchObject({ data: { correctsRevision: 5 } }));
  });

  it('refuses on a missing episode', () => {
    episode.given([]).when(correct('assignment')).thenThrows('NOT_FOUND');
  });
});

describe('RecordRegistryFollowUp (BOA / Svenska Artrosregistret)', () => {
  const baseline = { pain: 6, eq5dIndex: 0.62, eqVas: 55, selfEfficacy: 5.5, physicalActivityDays: 2, fearOfMovement: true, wishForSurgery: false, sickLeave: false };

  it('records the baseline measures', () => {
    episode
      .given(assigned())
      .when(followUp('baseline', baseline))
      .then([{ type: 'RegistryFollowUpRecorded', data: { timepoint: 'baseline', measures: baseline, by: THERAPIST_ID, at: NOW } }]);
  });

  it('records the 3- and 12-month follow-ups after the end', () => {
    episode.given(ended()).when(followUp('3-months', { pain: 3, satisfaction: 5, schoolCompleted: true })).then(([e]) => expect(e).toMatchObject({ data: { timepoint: '3-months' } }));
    episode.given(ended()).when(followUp('12-months', { pain: 2 })).then(([e]) => expect(e).toMatchObject({ data: { timepoint: '12-months' } }));
  });

  it('refuses a timepoint recorded before', () => {
    const done: EpisodeEvent = { type: 'RegistryFollowUpRecorded', data: { timepoint: 'baseline', measures: { pain: 6 }, by: THERAPIST_ID, at: NOW } };
    episode.given([...assigned(), done]).when(followUp('baseline', { pain: 5 })).thenThrows('FOLLOW_UP_ALREADY_RECORDED');
  });

  it('refuses a follow-up without any measure', () => {
    episode.given(assigned()).when(followUp('baseline', {})).thenThrows('NO_MEASURES', 'unacceptable');
  });

  it('refuses on a missing episode', () => {
    episode.given([]).when(followUp('baseline', baseline)).thenThrows('NOT_FOUND');
  });
});
