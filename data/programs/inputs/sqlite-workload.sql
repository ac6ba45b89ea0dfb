-- A SQL workload for the program benchmark (data/programs/sqlite3.yaml): tables filled from recursive CTEs, indexes,
-- joins, groupings, updates and deletes, on an in-memory database. Prints results that depend only on the work done.
create table customer(id integer primary key, name text, city text);
create table orders(id integer primary key, customer integer, amount real, note text);
with recursive c(x) as (select 1 union all select x + 1 from c where x < 30000)
insert into customer select x, printf('customer-%d', (x * 7919) % 30000), printf('city-%d', x % 97) from c;
with recursive c(x) as (select 1 union all select x + 1 from c where x < 200000)
insert into orders select x, 1 + (x * 104729) % 30000, ((x * 37) % 10000) / 100.0, printf('note %d %s', x, substr('abcdefghijklmnopqrstuvwxyz', 1 + x % 26, 1)) from c;
create index orders_customer on orders(customer);
create index customer_city on customer(city);
select city, count(*), round(sum(amount), 2) from customer join orders on orders.customer = customer.id group by city order by 3 desc limit 5;
select name, count(*) as n from customer join orders on orders.customer = customer.id where city like 'city-1%' group by name order by n desc, name limit 5;
update orders set amount = amount * 1.1 where id % 7 = 0;
delete from orders where note like '%q';
select count(*), round(sum(amount), 2) from orders;
select group_concat(name, ';') from (select name from customer order by name desc limit 20);
create table summary as select customer, count(*) as n, max(amount) as top from orders group by customer;
select count(*), sum(n), round(max(top), 2) from summary;
