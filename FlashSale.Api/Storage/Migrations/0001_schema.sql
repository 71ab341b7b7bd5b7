-- Sales never overlap in time: the exclusion constraint makes a second creation of the same window a no-op
-- (INSERT ... ON CONFLICT DO NOTHING), whichever replica gets there first.
create table sales (
    id bigint generated always as identity primary key,
    starts_at timestamptz not null,
    ends_at timestamptz not null,
    total_items integer not null check (total_items between 1 and 999999),
    max_items_per_user integer not null check (max_items_per_user > 0),
    created_at timestamptz not null default now(),
    constraint sales_window_valid check (ends_at > starts_at),
    constraint sales_no_overlap exclude using gist (tstzrange(starts_at, ends_at, '[)') with &&)
);

create table items (
    sale_id bigint not null references sales (id),
    item_index integer not null check (item_index >= 0),
    name text not null,
    image_url text not null,
    primary key (sale_id, item_index)
);

-- Every checkout attempt, granted or refused. A granted attempt (outcome 'ok') carries its code and the
-- hold's expiry: it is what a purchase redeems, and the latest unexpired one of an item is its hold.
create table checkout_attempts (
    id bigint generated always as identity primary key,
    attempted_at timestamptz not null,
    user_id text,
    item_id text,
    sale_id bigint,
    item_index integer,
    outcome text not null,
    code text,
    expires_at timestamptz,
    constraint checkout_attempts_ok_has_hold check (outcome <> 'ok' or (code is not null and expires_at is not null and sale_id is not null and item_index is not null and user_id is not null))
);
create index checkout_attempts_by_code on checkout_attempts (code) where code is not null;
create index checkout_attempts_holds_by_item on checkout_attempts (sale_id, item_index, expires_at) where outcome = 'ok';
create index checkout_attempts_holds_by_user on checkout_attempts (sale_id, user_id, expires_at) where outcome = 'ok';

-- One row per user and sale: the row is the lock that serialises a user's purchases, and its guarded
-- counter is the per-user limit.
create table user_purchase_counts (
    sale_id bigint not null references sales (id),
    user_id text not null,
    purchased integer not null default 0 check (purchased >= 0),
    primary key (sale_id, user_id)
);

-- An item is sold at most once (unique sale_id, item_index); a code is redeemed at most once (unique code).
create table purchases (
    id bigint generated always as identity primary key,
    sale_id bigint not null,
    item_index integer not null,
    user_id text not null,
    code text not null unique,
    purchased_at timestamptz not null,
    constraint purchases_item_once unique (sale_id, item_index),
    foreign key (sale_id, item_index) references items (sale_id, item_index)
);
create index purchases_by_user on purchases (user_id, sale_id);
